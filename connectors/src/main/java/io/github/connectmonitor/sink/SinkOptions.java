package io.github.connectmonitor.sink;

import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.configuration.ConfigOptions;
import org.apache.flink.configuration.MemorySize;
import org.apache.flink.table.factories.FactoryUtil;

import java.time.Duration;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;

/**
 * The options every sink of the project has: {@code time.column}, and the {@code sink.*} options for
 * dead letters, retries, request timeout and the async-sink base's buffering. Same keys, types and
 * checks ({@link SinkConfig}, {@link SinkColumns}) for every store, so a table moves from one store
 * to another by its store options alone.
 *
 * <p>Most are declared once here. Three have a default that depends on the store (a Timestream
 * request holds at most 100 records, an InfluxDB request thousands of points), so each store builds
 * its own instance of them with {@link #builder()}; {@link #options()} lists all of one store's.
 */
public final class SinkOptions {

    public static final ConfigOption<String> TIME_COLUMN =
            ConfigOptions.key("time.column")
                    .stringType()
                    .defaultValue("time")
                    .withDescription(
                            "Column holding the row's time: TIMESTAMP, TIMESTAMP_LTZ or BIGINT "
                                    + "epoch milliseconds. Written with millisecond precision.");

    public static final ConfigOption<String> DEAD_LETTER_PATH =
            ConfigOptions.key("sink.dead-letter.path")
                    .stringType()
                    .noDefaultValue()
                    .withDescription(
                            "JSON Lines file that receives every record the store refuses or the "
                                    + "sink cannot write, with the reason. {subtask} in the path is "
                                    + "replaced by the subtask index. Such records are always logged "
                                    + "at WARN and counted in the numRecordsRejected metric.");

    public static final ConfigOption<Integer> RETRY_MAX_ATTEMPTS =
            ConfigOptions.key("sink.retry.max-attempts")
                    .intType()
                    .defaultValue(10)
                    .withDescription(
                            "Attempts per request for throttling, 5xx, timeouts and network errors "
                                    + "before the job fails (and restarts from its last checkpoint).");

    public static final ConfigOption<Duration> RETRY_INITIAL_BACKOFF =
            ConfigOptions.key("sink.retry.initial-backoff")
                    .durationType()
                    .defaultValue(Duration.ofMillis(100))
                    .withDescription(
                            "Backoff cap of the first retry; it doubles per attempt, and the "
                                    + "actual wait is drawn uniformly below the cap (full jitter).");

    public static final ConfigOption<Duration> RETRY_MAX_BACKOFF =
            ConfigOptions.key("sink.retry.max-backoff")
                    .durationType()
                    .defaultValue(Duration.ofSeconds(10))
                    .withDescription("Upper bound of the backoff cap.");

    public static final ConfigOption<Duration> REQUEST_TIMEOUT =
            ConfigOptions.key("sink.request.timeout")
                    .durationType()
                    .defaultValue(Duration.ofSeconds(30))
                    .withDescription(
                            "Time limit of one write request; a request that times out is "
                                    + "retried like a network error.");

    public static final ConfigOption<Boolean> FLUSH_ON_CHECKPOINT =
            ConfigOptions.key("sink.flush-on-checkpoint")
                    .booleanType()
                    .defaultValue(true)
                    .withDescription(
                            "Write out the whole buffer before each checkpoint completes. When "
                                    + "false, buffered records go into the checkpoint instead "
                                    + "(also at-least-once).");

    public static final ConfigOption<Integer> MAX_IN_FLIGHT_REQUESTS =
            ConfigOptions.key("sink.requests.max-inflight")
                    .intType()
                    .defaultValue(4)
                    .withDescription("Concurrent write requests per subtask.");

    public static final ConfigOption<MemorySize> FLUSH_BUFFER_SIZE =
            ConfigOptions.key("sink.flush-buffer.size")
                    .memoryType()
                    .defaultValue(MemorySize.parse("4mb"))
                    .withDescription(
                            "Buffered bytes (estimated) that trigger a flush; also the byte "
                                    + "limit of one request. At least 64kb.");

    private static final String MAX_BATCH_SIZE_KEY = "sink.batch.max-size";
    private static final String MAX_BUFFERED_REQUESTS_KEY = "sink.requests.max-buffered";
    private static final String FLUSH_BUFFER_TIMEOUT_KEY = "sink.flush-buffer.timeout";

    private final ConfigOption<Integer> maxBatchSize;
    private final int batchSizeLimit;
    private final String batchSizeLimitReason;
    private final ConfigOption<Integer> maxBufferedRequests;
    private final ConfigOption<Duration> flushBufferTimeout;

    private SinkOptions(Builder builder) {
        this.maxBatchSize = builder.maxBatchSize;
        this.batchSizeLimit = builder.batchSizeLimit;
        this.batchSizeLimitReason = builder.batchSizeLimitReason;
        this.maxBufferedRequests = builder.maxBufferedRequests;
        this.flushBufferTimeout = builder.flushBufferTimeout;
    }

    /** One store's {@code sink.*} options: the three with a store default must be given. */
    public static Builder builder() {
        return new Builder();
    }

    /** {@code sink.batch.max-size}: entries per write request. */
    public ConfigOption<Integer> maxBatchSize() {
        return maxBatchSize;
    }

    /** The store's own upper bound of {@code sink.batch.max-size}; {@link Integer#MAX_VALUE} if none. */
    int batchSizeLimit() {
        return batchSizeLimit;
    }

    /** Why the store limits {@code sink.batch.max-size}, for its error message; null if it does not. */
    String batchSizeLimitReason() {
        return batchSizeLimitReason;
    }

    /** {@code sink.requests.max-buffered}: entries buffered per subtask before back-pressure. */
    public ConfigOption<Integer> maxBufferedRequests() {
        return maxBufferedRequests;
    }

    /** {@code sink.flush-buffer.timeout}: the longest an entry waits in the buffer. */
    public ConfigOption<Duration> flushBufferTimeout() {
        return flushBufferTimeout;
    }

    /**
     * All {@code sink.*} options of the store and {@code sink.parallelism}, in documentation order
     * (not {@link #TIME_COLUMN}, which a store lists among its column options).
     */
    public List<ConfigOption<?>> options() {
        return Collections.unmodifiableList(
                Arrays.asList(
                        DEAD_LETTER_PATH,
                        RETRY_MAX_ATTEMPTS,
                        RETRY_INITIAL_BACKOFF,
                        RETRY_MAX_BACKOFF,
                        REQUEST_TIMEOUT,
                        FLUSH_ON_CHECKPOINT,
                        maxBatchSize,
                        MAX_IN_FLIGHT_REQUESTS,
                        maxBufferedRequests,
                        FLUSH_BUFFER_SIZE,
                        flushBufferTimeout,
                        FactoryUtil.SINK_PARALLELISM));
    }

    /** Builds one store's {@link SinkOptions}; every setter but {@link #batchSizeLimit} is required. */
    public static final class Builder {

        private ConfigOption<Integer> maxBatchSize;
        private int batchSizeLimit = Integer.MAX_VALUE;
        private String batchSizeLimitReason;
        private ConfigOption<Integer> maxBufferedRequests;
        private ConfigOption<Duration> flushBufferTimeout;

        private Builder() {}

        public Builder maxBatchSize(int defaultValue, String description) {
            this.maxBatchSize =
                    ConfigOptions.key(MAX_BATCH_SIZE_KEY)
                            .intType()
                            .defaultValue(defaultValue)
                            .withDescription(description);
            return this;
        }

        /** An upper bound of {@code sink.batch.max-size} the store imposes, and why (for the error). */
        public Builder batchSizeLimit(int limit, String reason) {
            this.batchSizeLimit = limit;
            this.batchSizeLimitReason = reason;
            return this;
        }

        public Builder maxBufferedRequests(int defaultValue, String description) {
            this.maxBufferedRequests =
                    ConfigOptions.key(MAX_BUFFERED_REQUESTS_KEY)
                            .intType()
                            .defaultValue(defaultValue)
                            .withDescription(description);
            return this;
        }

        public Builder flushBufferTimeout(Duration defaultValue, String description) {
            this.flushBufferTimeout =
                    ConfigOptions.key(FLUSH_BUFFER_TIMEOUT_KEY)
                            .durationType()
                            .defaultValue(defaultValue)
                            .withDescription(description);
            return this;
        }

        public SinkOptions build() {
            if (maxBatchSize == null || maxBufferedRequests == null || flushBufferTimeout == null) {
                throw new IllegalStateException(
                        "A store's sink options need the defaults of " + MAX_BATCH_SIZE_KEY + ", "
                                + MAX_BUFFERED_REQUESTS_KEY + " and " + FLUSH_BUFFER_TIMEOUT_KEY);
            }
            return new SinkOptions(this);
        }
    }
}
