package io.github.connectmonitor.timestream;

import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.core.exception.SdkServiceException;
import software.amazon.awssdk.services.timestreamwrite.model.InvalidEndpointException;
import software.amazon.awssdk.services.timestreamwrite.model.RejectedRecordsException;

import java.io.Serializable;
import java.time.Duration;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.function.DoubleSupplier;

/**
 * What to do with a failed WriteRecords call, and how long to wait before the next attempt.
 *
 * <ul>
 *   <li>{@link Outcome#REJECTED}: the service wrote the batch except the records it lists; those go
 *       to the dead letters and are never retried (the same record would be rejected again).
 *   <li>{@link Outcome#RETRY}: throttling, 5xx, a stale discovered endpoint, clock skew, network and
 *       timeout errors. Retried with exponential backoff and full jitter, up to the attempt limit.
 *   <li>{@link Outcome#FATAL}: everything else (validation, missing table, access denied): retrying
 *       cannot help, so the job fails with the cause.
 * </ul>
 *
 * <p>The attempt limit and the backoff are not Timestream-specific: other sinks of the project (the
 * InfluxDB sink) use them with their own classification of errors.
 */
public final class RetryPolicy implements Serializable {

    private static final long serialVersionUID = 1L;

    enum Outcome {
        RETRY,
        REJECTED,
        FATAL
    }

    private final int maxAttempts;
    private final long initialBackoffMillis;
    private final long maxBackoffMillis;

    public RetryPolicy(int maxAttempts, Duration initialBackoff, Duration maxBackoff) {
        this.maxAttempts = maxAttempts;
        this.initialBackoffMillis = initialBackoff.toMillis();
        this.maxBackoffMillis = maxBackoff.toMillis();
    }

    public int maxAttempts() {
        return maxAttempts;
    }

    /** The cause inside the wrappers that futures add. */
    public static Throwable unwrap(Throwable error) {
        Throwable t = error;
        while ((t instanceof CompletionException || t instanceof ExecutionException)
                && t.getCause() != null) {
            t = t.getCause();
        }
        return t;
    }

    static Outcome classify(Throwable error) {
        Throwable t = unwrap(error);
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

    /** Whether another attempt is allowed after {@code attemptsMade} failed ones. */
    public boolean canRetry(int attemptsMade) {
        return attemptsMade < maxAttempts;
    }

    /**
     * Wait before attempt number {@code attemptsMade + 1}: uniform in [0, cap] where the cap starts
     * at the initial backoff and doubles per failed attempt up to the maximum ("full jitter").
     *
     * @param attemptsMade failed attempts so far, at least 1
     * @param random values in [0, 1)
     */
    public long backoffMillis(int attemptsMade, DoubleSupplier random) {
        long cap = initialBackoffMillis;
        for (int i = 1; i < attemptsMade && cap < maxBackoffMillis; i++) {
            cap *= 2;
        }
        cap = Math.min(cap, maxBackoffMillis);
        return (long) (random.getAsDouble() * (cap + 1));
    }
}
