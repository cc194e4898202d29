package io.github.connectmonitor.sink;

import org.apache.flink.configuration.ReadableConfig;
import org.apache.flink.connector.base.sink.writer.config.AsyncSinkWriterConfiguration;

import java.io.Serializable;
import java.net.URI;
import java.time.Duration;

import static io.github.connectmonitor.sink.SinkOptions.DEAD_LETTER_PATH;
import static io.github.connectmonitor.sink.SinkOptions.FLUSH_BUFFER_SIZE;
import static io.github.connectmonitor.sink.SinkOptions.FLUSH_ON_CHECKPOINT;
import static io.github.connectmonitor.sink.SinkOptions.MAX_IN_FLIGHT_REQUESTS;
import static io.github.connectmonitor.sink.SinkOptions.REQUEST_TIMEOUT;
import static io.github.connectmonitor.sink.SinkOptions.RETRY_INITIAL_BACKOFF;
import static io.github.connectmonitor.sink.SinkOptions.RETRY_MAX_ATTEMPTS;
import static io.github.connectmonitor.sink.SinkOptions.RETRY_MAX_BACKOFF;

/**
 * The delivery settings every sink has ({@link SinkOptions}), read and checked once; a store's
 * config adds its connection settings. Every error names the option to fix. Serializable: it
 * travels with the sink to the task managers.
 */
public abstract class SinkConfig implements Serializable {

    private static final long serialVersionUID = 1L;

    private final String deadLetterPath;
    private final int maxAttempts;
    private final Duration initialBackoff;
    private final Duration maxBackoff;
    private final Duration requestTimeout;
    private final boolean flushOnCheckpoint;
    private final int maxBatchSize;
    private final int maxInFlightRequests;
    private final int maxBufferedRequests;
    private final long flushBufferBytes;
    private final long flushBufferTimeoutMillis;

    /** Reads and checks the {@code sink.*} options; throws IllegalArgumentException naming the option. */
    protected SinkConfig(ReadableConfig options, SinkOptions sinkOptions) {
        this.deadLetterPath = blankToNull(options.get(DEAD_LETTER_PATH));
        this.maxAttempts = options.get(RETRY_MAX_ATTEMPTS);
        this.initialBackoff = options.get(RETRY_INITIAL_BACKOFF);
        this.maxBackoff = options.get(RETRY_MAX_BACKOFF);
        this.requestTimeout = options.get(REQUEST_TIMEOUT);
        this.flushOnCheckpoint = options.get(FLUSH_ON_CHECKPOINT);
        this.maxBatchSize = options.get(sinkOptions.maxBatchSize());
        this.maxInFlightRequests = options.get(MAX_IN_FLIGHT_REQUESTS);
        this.maxBufferedRequests = options.get(sinkOptions.maxBufferedRequests());
        this.flushBufferBytes = options.get(FLUSH_BUFFER_SIZE).getBytes();
        this.flushBufferTimeoutMillis = options.get(sinkOptions.flushBufferTimeout()).toMillis();
        validate(sinkOptions);
    }

    private void validate(SinkOptions sinkOptions) {
        if (maxAttempts < 1) {
            throw invalid(RETRY_MAX_ATTEMPTS.key(), maxAttempts, "must be at least 1");
        }
        if (initialBackoff.isNegative() || initialBackoff.isZero()) {
            throw invalid(RETRY_INITIAL_BACKOFF.key(), initialBackoff, "must be positive");
        }
        if (maxBackoff.compareTo(initialBackoff) < 0) {
            throw invalid(
                    RETRY_MAX_BACKOFF.key(), maxBackoff, "must not be below " + RETRY_INITIAL_BACKOFF.key());
        }
        if (requestTimeout.isNegative() || requestTimeout.isZero()) {
            throw invalid(REQUEST_TIMEOUT.key(), requestTimeout, "must be positive");
        }
        String batchKey = sinkOptions.maxBatchSize().key();
        int limit = sinkOptions.batchSizeLimit();
        if (maxBatchSize < 1 || maxBatchSize > limit) {
            throw invalid(
                    batchKey,
                    maxBatchSize,
                    limit == Integer.MAX_VALUE
                            ? "must be at least 1"
                            : "must be 1 to " + limit + " (" + sinkOptions.batchSizeLimitReason() + ")");
        }
        if (maxInFlightRequests < 1) {
            throw invalid(MAX_IN_FLIGHT_REQUESTS.key(), maxInFlightRequests, "must be at least 1");
        }
        if (maxBufferedRequests <= maxBatchSize) {
            throw invalid(
                    sinkOptions.maxBufferedRequests().key(),
                    maxBufferedRequests,
                    "must be greater than " + batchKey + " (" + maxBatchSize + ")");
        }
        if (flushBufferBytes < SinkEntry.MAX_BYTES) {
            throw invalid(FLUSH_BUFFER_SIZE.key(), flushBufferBytes + " bytes", "must be at least 64kb");
        }
        if (flushBufferTimeoutMillis < 1) {
            throw invalid(
                    sinkOptions.flushBufferTimeout().key(), flushBufferTimeoutMillis + " ms", "must be positive");
        }
    }

    /** The trimmed value of a required option. */
    protected static String required(String key, String value) {
        if (value == null || value.trim().isEmpty()) {
            throw new IllegalArgumentException("Option '" + key + "' is required.");
        }
        return value.trim();
    }

    protected static String blankToNull(String value) {
        return value == null || value.trim().isEmpty() ? null : value.trim();
    }

    /** {@code Option 'key' = 'value' problem.} */
    protected static IllegalArgumentException invalid(String key, Object value, String problem) {
        return new IllegalArgumentException(
                String.format("Option '%s' = '%s' %s.", key, value, problem));
    }

    /** Whether {@code value} parses as an http(s) URL with a host (and, unless allowed, no query). */
    protected static boolean isHttpUrl(String value, boolean queryAllowed) {
        URI uri;
        try {
            uri = URI.create(value);
        } catch (IllegalArgumentException e) {
            return false;
        }
        return uri.getScheme() != null
                && (uri.getScheme().equals("http") || uri.getScheme().equals("https"))
                && uri.getHost() != null
                && (queryAllowed || uri.getRawQuery() == null);
    }

    /** The dead-letter file of one subtask, or null. */
    public String deadLetterPath(int subtask) {
        return deadLetterPath == null
                ? null
                : deadLetterPath.replace("{subtask}", Integer.toString(subtask));
    }

    public int maxAttempts() {
        return maxAttempts;
    }

    public Duration initialBackoff() {
        return initialBackoff;
    }

    public Duration maxBackoff() {
        return maxBackoff;
    }

    public RetryPolicy retryPolicy() {
        return new RetryPolicy(maxAttempts, initialBackoff, maxBackoff);
    }

    public Duration requestTimeout() {
        return requestTimeout;
    }

    public boolean flushOnCheckpoint() {
        return flushOnCheckpoint;
    }

    public int maxBatchSize() {
        return maxBatchSize;
    }

    public int maxInFlightRequests() {
        return maxInFlightRequests;
    }

    public int maxBufferedRequests() {
        return maxBufferedRequests;
    }

    public long flushBufferBytes() {
        return flushBufferBytes;
    }

    public long flushBufferTimeoutMillis() {
        return flushBufferTimeoutMillis;
    }

    /**
     * The async-sink base's own time limit for one in-flight request. A request here includes its
     * retries (and, for InfluxDB, after a refusal the bisection's requests), so allow all attempts
     * and their backoffs, plus a minute of slack.
     */
    public long inFlightTimeoutMillis() {
        return maxAttempts * (requestTimeout.toMillis() + maxBackoff.toMillis()) + 60_000L;
    }

    /**
     * The async-sink writer's settings. Entries are at most {@code sink.flush-buffer.size} (the
     * mappers dead-letter larger ones), and a timed-out request is retried, not failed: the
     * writers bound their own attempts.
     */
    public AsyncSinkWriterConfiguration writerConfiguration() {
        return AsyncSinkWriterConfiguration.builder()
                .setMaxBatchSize(maxBatchSize)
                .setMaxBatchSizeInBytes(flushBufferBytes)
                .setMaxInFlightRequests(maxInFlightRequests)
                .setMaxBufferedRequests(maxBufferedRequests)
                .setMaxTimeInBufferMS(flushBufferTimeoutMillis)
                .setMaxRecordSizeInBytes(flushBufferBytes)
                .setRequestTimeoutMS(inFlightTimeoutMillis())
                .setFailOnTimeout(false)
                .build();
    }

    /** The delivery settings for a store's toString: {@code batch=…, inFlight=…, buffered=…, attempts=…}. */
    protected final String deliverySummary() {
        return String.format(
                "deadLetters=%s, batch=%d, inFlight=%d, buffered=%d, attempts=%d",
                deadLetterPath, maxBatchSize, maxInFlightRequests, maxBufferedRequests, maxAttempts);
    }
}
