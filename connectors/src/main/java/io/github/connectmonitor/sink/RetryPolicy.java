package io.github.connectmonitor.sink;

import java.io.Serializable;
import java.time.Duration;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.function.DoubleSupplier;

/**
 * How often a failed write request is tried again and how long to wait before the next attempt:
 * up to {@code sink.retry.max-attempts} attempts, exponential backoff with full jitter between
 * {@code sink.retry.initial-backoff} and {@code sink.retry.max-backoff}.
 *
 * <p>Which errors are worth retrying is the store's business: the Timestream sink classifies SDK
 * exceptions ({@code TimestreamErrors}), the InfluxDB sink HTTP statuses ({@code WriteStatus}).
 */
public final class RetryPolicy implements Serializable {

    private static final long serialVersionUID = 1L;

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
