package io.github.connectmonitor.timestream;

import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.configuration.ConfigOptions;
import org.apache.flink.configuration.MemorySize;
import org.apache.flink.table.factories.FactoryUtil;

import java.time.Duration;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;

/**
 * Every option of the Timestream sink, declared once. The SQL factory, the DataStream builder
 * ({@link TimestreamSink#fromOptions}) and the Python shim all use these keys; {@code
 * connectors/README.md} renders them as a table that a unit test keeps in step.
 */
public final class TimestreamConnectorOptions {

    /** Timestream's limit on records per WriteRecords call. */
    public static final int MAX_RECORDS_PER_REQUEST = 100;

    public static final ConfigOption<String> DATABASE =
            ConfigOptions.key("database")
                    .stringType()
                    .noDefaultValue()
                    .withDescription("Timestream database to write to.");

    public static final ConfigOption<String> TABLE =
            ConfigOptions.key("table")
                    .stringType()
                    .noDefaultValue()
                    .withDescription("Timestream table to write to.");

    public static final ConfigOption<String> REGION =
            ConfigOptions.key("region")
                    .stringType()
                    .noDefaultValue()
                    .withDescription(
                            "AWS region of the Timestream table, e.g. eu-west-1. Timestream for "
                                    + "LiveAnalytics is not offered in every region (not in eu-west-2).");

    public static final ConfigOption<String> ENDPOINT =
            ConfigOptions.key("endpoint")
                    .stringType()
                    .noDefaultValue()
                    .withDescription(
                            "Endpoint override for local use, e.g. http://127.0.0.1:5000 (moto). "
                                    + "When set, endpoint discovery is off; when absent the client "
                                    + "discovers the cell endpoint as the real service requires.");

    public static final ConfigOption<String> MEASURE_NAME =
            ConfigOptions.key("measure.name")
                    .stringType()
                    .noDefaultValue()
                    .withDescription(
                            "Measure name of the multi-measure records, e.g. queue_metrics.");

    public static final ConfigOption<String> DIMENSION_COLUMNS =
            ConfigOptions.key("dimension.columns")
                    .stringType()
                    .noDefaultValue()
                    .withDescription(
                            "Comma-separated columns written as dimensions (string, integer or "
                                    + "boolean columns). A null or empty value leaves that "
                                    + "dimension out of the record.");

    public static final ConfigOption<String> TIME_COLUMN =
            ConfigOptions.key("time.column")
                    .stringType()
                    .defaultValue("time")
                    .withDescription(
                            "Column holding the record time: TIMESTAMP, TIMESTAMP_LTZ or BIGINT "
                                    + "epoch milliseconds. Written with millisecond precision.");

    public static final ConfigOption<String> VERSION_COLUMN =
            ConfigOptions.key("version.column")
                    .stringType()
                    .noDefaultValue()
                    .withDescription(
                            "BIGINT or INT column written as the record Version. A higher version "
                                    + "overwrites an earlier write of the same point, which makes "
                                    + "replays after a restart idempotent. Without it Timestream "
                                    + "uses version 1.");

    public static final ConfigOption<String> AWS_ACCESS_KEY_ID =
            ConfigOptions.key("aws.access-key-id")
                    .stringType()
                    .noDefaultValue()
                    .withDescription(
                            "Static access key id, for local use only; set together with "
                                    + "aws.secret-access-key. Without them the default AWS "
                                    + "credentials chain is used.");

    public static final ConfigOption<String> AWS_SECRET_ACCESS_KEY =
            ConfigOptions.key("aws.secret-access-key")
                    .stringType()
                    .noDefaultValue()
                    .withDescription("Static secret access key, for local use only.");

    public static final ConfigOption<String> DEAD_LETTER_PATH =
            ConfigOptions.key("sink.dead-letter.path")
                    .stringType()
                    .noDefaultValue()
                    .withDescription(
                            "JSON Lines file that receives every record Timestream rejects or "
                                    + "the sink cannot write, with the reason. {subtask} in the "
                                    + "path is replaced by the subtask index. Such records are "
                                    + "always logged at WARN and counted in the numRecordsRejected "
                                    + "metric.");

    public static final ConfigOption<Integer> RETRY_MAX_ATTEMPTS =
            ConfigOptions.key("sink.retry.max-attempts")
                    .intType()
                    .defaultValue(10)
                    .withDescription(
                            "Attempts per record for throttling, 5xx and network errors before "
                                    + "the job fails (and restarts from its last checkpoint).");

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
                            "Time limit of one WriteRecords call; a call that times out is "
                                    + "retried like a network error.");

    public static final ConfigOption<Boolean> FLUSH_ON_CHECKPOINT =
            ConfigOptions.key("sink.flush-on-checkpoint")
                    .booleanType()
                    .defaultValue(true)
                    .withDescription(
                            "Write out the whole buffer before each checkpoint completes. When "
                                    + "false, buffered records go into the checkpoint instead "
                                    + "(also at-least-once).");

    public static final ConfigOption<Integer> MAX_BATCH_SIZE =
            ConfigOptions.key("sink.batch.max-size")
                    .intType()
                    .defaultValue(MAX_RECORDS_PER_REQUEST)
                    .withDescription(
                            "Records per WriteRecords request, at most "
                                    + MAX_RECORDS_PER_REQUEST
                                    + " (the service limit).");

    public static final ConfigOption<Integer> MAX_IN_FLIGHT_REQUESTS =
            ConfigOptions.key("sink.requests.max-inflight")
                    .intType()
                    .defaultValue(4)
                    .withDescription(
                            "Concurrent WriteRecords requests per subtask (also the size of its "
                                    + "HTTP thread pool).");

    public static final ConfigOption<Integer> MAX_BUFFERED_REQUESTS =
            ConfigOptions.key("sink.requests.max-buffered")
                    .intType()
                    .defaultValue(10_000)
                    .withDescription(
                            "Records buffered per subtask before the sink applies back-pressure.");

    public static final ConfigOption<MemorySize> FLUSH_BUFFER_SIZE =
            ConfigOptions.key("sink.flush-buffer.size")
                    .memoryType()
                    .defaultValue(MemorySize.parse("4mb"))
                    .withDescription(
                            "Buffered bytes (estimated) that trigger a flush; also the byte "
                                    + "limit of one request. At least 64kb.");

    public static final ConfigOption<Duration> FLUSH_BUFFER_TIMEOUT =
            ConfigOptions.key("sink.flush-buffer.timeout")
                    .durationType()
                    .defaultValue(Duration.ofMillis(100))
                    .withDescription("Longest time a record waits in the buffer. The job's rows come in bursts (a "
                            + "snapshot's queues at a boundary, the windows of an emit interval) that fill their "
                            + "batches within milliseconds, so a longer wait only delays them (1 s was a whole "
                            + "second of every snapshot's freshness).");

    private TimestreamConnectorOptions() {}

    /** Options a table must set. */
    public static List<ConfigOption<?>> requiredOptions() {
        return Collections.unmodifiableList(
                Arrays.asList(DATABASE, TABLE, REGION, MEASURE_NAME, DIMENSION_COLUMNS));
    }

    /** Options with defaults or that are truly optional, in documentation order. */
    public static List<ConfigOption<?>> optionalOptions() {
        return Collections.unmodifiableList(
                Arrays.asList(
                        TIME_COLUMN,
                        VERSION_COLUMN,
                        ENDPOINT,
                        AWS_ACCESS_KEY_ID,
                        AWS_SECRET_ACCESS_KEY,
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
