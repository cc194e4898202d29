package io.github.connectmonitor.influxdb;

import io.github.connectmonitor.sink.SinkOptions;
import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.configuration.ConfigOptions;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;

/**
 * Every option of the InfluxDB sink, declared once: InfluxDB's own here, the {@code sink.*} delivery
 * options in {@link SinkOptions} (shared with the Timestream sink). The column options ({@code
 * time.column}, {@code version.column}) have the same keys and meaning as the Timestream sink's, so
 * a table can move from one sink to the other by its connector options.
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
                            "API token, sent as 'Authorization: Token <token>'. Without it (and "
                                    + "without token.secret-arn) no Authorization header is sent "
                                    + "(InfluxDB 1.x with authentication off). Not together with "
                                    + "token.secret-arn, which keeps the token out of the job's "
                                    + "properties.");

    public static final ConfigOption<String> TOKEN_SECRET_ARN =
            ConfigOptions.key("token.secret-arn")
                    .stringType()
                    .noDefaultValue()
                    .withDescription(
                            "ARN of a Secrets Manager secret holding the API token, read once when "
                                    + "each writer starts, with the default AWS credentials chain "
                                    + "(on Managed Flink the application's role, which needs "
                                    + "secretsmanager:GetSecretValue and, for a customer-managed key, "
                                    + "kms:Decrypt). The secret string is the token itself or a JSON "
                                    + "object with a \"token\" key. Not together with token.");

    public static final ConfigOption<String> AWS_REGION =
            ConfigOptions.key("aws.region")
                    .stringType()
                    .noDefaultValue()
                    .withDescription(
                            "Region of the Secrets Manager client for token.secret-arn, e.g. "
                                    + "eu-west-2. Without it the default region chain is used (on "
                                    + "Managed Flink the application's region).");

    public static final ConfigOption<String> SECRETSMANAGER_ENDPOINT =
            ConfigOptions.key("secretsmanager.endpoint")
                    .stringType()
                    .noDefaultValue()
                    .withDescription(
                            "Endpoint override of the Secrets Manager client for local use, e.g. "
                                    + "http://127.0.0.1:5000 (moto).");

    public static final ConfigOption<String> TAG_COLUMNS =
            ConfigOptions.key("tag.columns")
                    .stringType()
                    .noDefaultValue()
                    .withDescription(
                            "Comma-separated columns written as tags (string, integer or boolean "
                                    + "columns; the Timestream sink's dimension.columns). A null or "
                                    + "empty value leaves that tag out of the point.");

    public static final ConfigOption<String> VERSION_COLUMN =
            ConfigOptions.key("version.column")
                    .stringType()
                    .noDefaultValue()
                    .withDescription(
                            "Column that is not written (the Timestream sink's record version). "
                                    + "InfluxDB keeps the last write of a series and time, so a "
                                    + "corrected row overwrites the earlier one without a version.");

    /**
     * The {@code sink.*} options (keys, checks and most defaults shared with the Timestream sink),
     * with InfluxDB's batch, buffer and flush defaults.
     */
    public static final SinkOptions SINK =
            SinkOptions.builder()
                    .maxBatchSize(
                            5000,
                            "Points per write request (InfluxDB suggests 5000; the body is also "
                                    + "bounded by sink.flush-buffer.size).")
                    .maxBufferedRequests(
                            20_000,
                            "Points buffered per subtask before the sink applies back-pressure; "
                                    + "greater than sink.batch.max-size.")
                    .flushBufferTimeout(Duration.ofSeconds(1), "Longest time a point waits in the buffer.")
                    .build();

    private InfluxDbConnectorOptions() {}

    /** Options a table must set. */
    public static List<ConfigOption<?>> requiredOptions() {
        return Collections.unmodifiableList(Arrays.asList(URL, DATABASE, MEASUREMENT));
    }

    /** Options with defaults or that are truly optional, in documentation order. */
    public static List<ConfigOption<?>> optionalOptions() {
        List<ConfigOption<?>> options =
                new ArrayList<>(
                        Arrays.asList(
                                TOKEN,
                                TOKEN_SECRET_ARN,
                                AWS_REGION,
                                SECRETSMANAGER_ENDPOINT,
                                TAG_COLUMNS,
                                SinkOptions.TIME_COLUMN,
                                VERSION_COLUMN));
        options.addAll(SINK.options());
        return Collections.unmodifiableList(options);
    }
}
