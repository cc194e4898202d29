package io.github.connectmonitor.influxdb;

import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.configuration.ConfigOptions;
import org.apache.flink.configuration.MemorySize;
import org.apache.flink.table.factories.FactoryUtil;

import java.time.Duration;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;

/**
 * Every option of the InfluxDB sink, declared once. The column options ({@code time.column},
 * {@code version.column}) and the {@code sink.*} options have the same keys and meaning as the
 * Timestream sink's, so a table can move from one sink to the other by its connector options.
 */
public final class InfluxDbConnectorOptions {

    public static final ConfigOption<String> URL =
            ConfigOptions.key("url")
                    .stringType()
                    .noDefaultValue()
                    .withDescription(
                            "Base URL of the InfluxDB server, e.g. http://127.0.0.1:8086 or the "
                                    + "https endpoint of a Timestream for InfluxDB instance. The "
                                    + "sink posts to {url}/write (the v1 write API).");

    public static final ConfigOption<String> DATABASE =
            ConfigOptions.key("database")
                    .stringType()
                    .noDefaultValue()
                    .withDescription(
                            "Database to write to (InfluxDB 1.x and 3); on InfluxDB 2.x the "
                                    + "database name mapped to a bucket (DBRP). It must exist.");

    public static final ConfigOption<String> MEASUREMENT =
            ConfigOptions.key("measurement")
                    .stringType()
                    .noDefaultValue()
                    .withDescription("Measurement of the points, e.g. queue_metrics.");

    public static final ConfigOption<String> TOKEN =
            ConfigOptions.key("token")
                    .stringType()
                    .noDefaultValue()
                    .withDescription(
                            "API token, sent as 'Authorization: Token <token>'. Without it no "
                                    + "Authorization header is sent (InfluxDB 1.x with "
                                    + "authentication off).");

    public static final ConfigOption<String> TAG_COLUMNS =
            ConfigOptions.key("tag.columns")
                    .stringType()
                    .noDefaultValue()
                    .withDescription(
                            "Comma-separated columns written as tags (string, integer or boolean "
                                    + "columns; the Timestream sink's dimension.columns). A null or "
                                    + "empty value leaves that tag out of the point.");

    public static final ConfigOption<String> TIME_COLUMN =
            ConfigOptions.key("time.column")
                    .stringType()
                    .defaultValue("time")
                    .withDescription(
                            "Column holding the point time: TIMESTAMP, TIMESTAMP_LTZ or BIGINT "
                                    + "epoch milliseconds. Written with millisecond precision.");

    public static final ConfigOption<String> VERSION_COLUMN =
            ConfigOptions.key("version.column")
                    .stringType()
                    .noDefaultValue()
                    .withDescription(
                            "Column that is not written (the Timestream sink's record version). "
                                    + "InfluxDB keeps the last write of a series and time, so a "
                                    + "corrected row overwrites the earlier one without a version.");

    public static final ConfigOption<String> DEAD_LETTER_PATH =
            ConfigOptions.key("sink.dead-letter.path")
                    .stringType()
                    .noDefaultValue()
                    .withDescription(
                            "JSON Lines file that receives every point InfluxDB refuses or the "
                                    + "sink cannot write, with the reason. {subtask} in the path is "
                                    + "replaced by the subtask index. Such points are always logged "
                                    + "at WARN and counted in the numRecordsRejected metric.");

    public static final ConfigOption<Integer> RETRY_MAX_ATTEMPTS =
            ConfigOptions.key("sink.retry.max-attempts")
                    .intType()
                    .defaultValue(10)
                    .withDescription(
                            "Attempts per request for 429, 5xx, timeouts and connection errors "
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
                                    + "retried like a connection error.");

    public static final ConfigOption<Boolean> FLUSH_ON_CHECKPOINT =
            ConfigOptions.key("sink.flush-on-checkpoint")
                    .booleanType()
                    .defaultValue(true)
                    .withDescription(
                            "Write out the whole buffer before each checkpoint completes. When "
                                    + "false, buffered points go into the checkpoint instead "
                                    + "(also at-least-once).");

    public static final ConfigOption<Integer> MAX_BATCH_SIZE =
            ConfigOptions.key("sink.batch.max-size")
                    .intType()
                    .defaultValue(5000)
                    .withDescription(
                            "Points per write request (InfluxDB suggests 5000; the body is also "
                                    + "bounded by sink.flush-buffer.size).");

    public static final ConfigOption<Integer> MAX_IN_FLIGHT_REQUESTS =
            ConfigOptions.key("sink.requests.max-inflight")
                    .intType()
                    .defaultValue(4)
                    .withDescription("Concurrent write requests per subtask.");

    public static final ConfigOption<Integer> MAX_BUFFERED_REQUESTS =
            ConfigOptions.key("sink.requests.max-buffered")
                    .intType()
                    .defaultValue(20_000)
                    .withDescription(
                            "Points buffered per subtask before the sink applies back-pressure; "
                                    + "greater than sink.batch.max-size.");

    public static final ConfigOption<MemorySize> FLUSH_BUFFER_SIZE =
            ConfigOptions.key("sink.flush-buffer.size")
                    .memoryType()
                    .defaultValue(MemorySize.parse("4mb"))
                    .withDescription(
                            "Buffered bytes that trigger a flush; also the byte limit of one "
                                    + "request body (InfluxDB 1.x refuses bodies over 25 MB by "
                                    + "default). At least 64kb.");

    public static final ConfigOption<Duration> FLUSH_BUFFER_TIMEOUT =
            ConfigOptions.key("sink.flush-buffer.timeout")
                    .durationType()
                    .defaultValue(Duration.ofSeconds(1))
                    .withDescription("Longest time a point waits in the buffer.");

    private InfluxDbConnectorOptions() {}

    /** Options a table must set. */
    public static List<ConfigOption<?>> requiredOptions() {
        return Collections.unmodifiableList(Arrays.asList(URL, DATABASE, MEASUREMENT));
    }

    /** Options with defaults or that are truly optional, in documentation order. */
    public static List<ConfigOption<?>> optionalOptions() {
        return Collections.unmodifiableList(
                Arrays.asList(
                        TOKEN,
                        TAG_COLUMNS,
                        TIME_COLUMN,
                        VERSION_COLUMN,
                        DEAD_LETTER_PATH,
                        RETRY_MAX_ATTEMPTS,
                        RETRY_INITIAL_BACKOFF,
                        RETRY_MAX_BACKOFF,
                        REQUEST_TIMEOUT,
                        FLUSH_ON_CHECKPOINT,
                        MAX_BATCH_SIZE,
                        MAX_IN_FLIGHT_REQUESTS,
                        MAX_BUFFERED_REQUESTS,
                        FLUSH_BUFFER_SIZE,
                        FLUSH_BUFFER_TIMEOUT,
                        FactoryUtil.SINK_PARALLELISM));
    }
}
