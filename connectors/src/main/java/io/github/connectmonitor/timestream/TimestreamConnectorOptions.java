package io.github.connectmonitor.timestream;

import io.github.connectmonitor.sink.SinkOptions;
import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.configuration.ConfigOptions;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;

/**
 * Every option of the Timestream sink, declared once: Timestream's own here, the {@code sink.*}
 * delivery options in {@link SinkOptions} (shared with the InfluxDB sink). The SQL factory, the
 * DataStream builder ({@link TimestreamSink#forRows}) and the Python shim all use these keys; {@code
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

    /**
     * The {@code sink.*} options (keys, checks and most defaults shared with the InfluxDB sink), with
     * Timestream's batch limit, buffer and flush defaults.
     */
    public static final SinkOptions SINK =
            SinkOptions.builder()
                    .maxBatchSize(
                            MAX_RECORDS_PER_REQUEST,
                            "Records per WriteRecords request, at most "
                                    + MAX_RECORDS_PER_REQUEST
                                    + " (the service limit).")
                    .batchSizeLimit(MAX_RECORDS_PER_REQUEST, "Timestream's WriteRecords limit")
                    .maxBufferedRequests(
                            10_000, "Records buffered per subtask before the sink applies back-pressure.")
                    .flushBufferTimeout(
                            Duration.ofMillis(100),
                            "Longest time a record waits in the buffer. The job's rows come in bursts (a "
                                    + "snapshot's queues at a boundary, the windows of an emit interval) that "
                                    + "fill their batches within milliseconds, so a longer wait only delays them "
                                    + "(1 s was a whole second of every snapshot's freshness).")
                    .build();

    private TimestreamConnectorOptions() {}

    /** Options a table must set. */
    public static List<ConfigOption<?>> requiredOptions() {
        return Collections.unmodifiableList(
                Arrays.asList(DATABASE, TABLE, REGION, MEASURE_NAME, DIMENSION_COLUMNS));
    }

    /** Options with defaults or that are truly optional, in documentation order. */
    public static List<ConfigOption<?>> optionalOptions() {
        List<ConfigOption<?>> options =
                new ArrayList<>(
                        Arrays.asList(
                                SinkOptions.TIME_COLUMN,
                                VERSION_COLUMN,
                                ENDPOINT,
                                AWS_ACCESS_KEY_ID,
                                AWS_SECRET_ACCESS_KEY));
        options.addAll(SINK.options());
        return Collections.unmodifiableList(options);
    }
}
