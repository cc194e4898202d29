package io.github.connectmonitor.timestream;

import io.github.connectmonitor.sink.RetryPolicy;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.core.exception.SdkServiceException;
import software.amazon.awssdk.services.timestreamwrite.model.InvalidEndpointException;
import software.amazon.awssdk.services.timestreamwrite.model.RejectedRecordsException;

/**
 * What to do with a failed WriteRecords call.
 *
 * <ul>
 *   <li>{@link Outcome#REJECTED}: the service wrote the batch except the records it lists; those go
 *       to the dead letters and are never retried (the same record would be rejected again).
 *   <li>{@link Outcome#RETRY}: throttling, 5xx, a stale discovered endpoint, clock skew, network and
 *       timeout errors. Retried by the sink's {@link RetryPolicy}, up to the attempt limit.
 *   <li>{@link Outcome#FATAL}: everything else (validation, missing table, access denied): retrying
 *       cannot help, so the job fails with the cause.
 * </ul>
 */
final class TimestreamErrors {

    enum Outcome {
        RETRY,
        REJECTED,
        FATAL
    }

    private TimestreamErrors() {}

    static Outcome classify(Throwable error) {
        Throwable t = RetryPolicy.unwrap(error);
        if (t instanceof RejectedRecordsException) {
            return Outcome.REJECTED;
        }
        if (t instanceof InvalidEndpointException) {
            return Outcome.RETRY;
        }
        if (t instanceof SdkServiceException) {
            SdkServiceException e = (SdkServiceException) t;
            return e.isThrottlingException() || e.isClockSkewException() || e.statusCode() >= 500
                    ? Outcome.RETRY
                    : Outcome.FATAL;
        }
        if (t instanceof SdkClientException) {
            // I/O errors, timeouts, credential-provider hiccups: the request may well succeed later.
            return Outcome.RETRY;
        }
        return Outcome.FATAL;
    }
}
