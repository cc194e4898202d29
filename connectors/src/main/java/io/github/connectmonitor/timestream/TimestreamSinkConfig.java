package io.github.connectmonitor.timestream;

import io.github.connectmonitor.sink.SinkConfig;
import org.apache.flink.configuration.ReadableConfig;

import static io.github.connectmonitor.timestream.TimestreamConnectorOptions.AWS_ACCESS_KEY_ID;
import static io.github.connectmonitor.timestream.TimestreamConnectorOptions.AWS_SECRET_ACCESS_KEY;
import static io.github.connectmonitor.timestream.TimestreamConnectorOptions.DATABASE;
import static io.github.connectmonitor.timestream.TimestreamConnectorOptions.ENDPOINT;
import static io.github.connectmonitor.timestream.TimestreamConnectorOptions.REGION;
import static io.github.connectmonitor.timestream.TimestreamConnectorOptions.SINK;
import static io.github.connectmonitor.timestream.TimestreamConnectorOptions.TABLE;

/**
 * Where the sink writes (database, table, region, endpoint, credentials), read and checked once
 * from the options; the delivery settings come from {@link SinkConfig}. Every error names the
 * option to fix. Serializable: it travels with the sink to the task managers.
 */
public final class TimestreamSinkConfig extends SinkConfig {

    private static final long serialVersionUID = 1L;

    private final String database;
    private final String table;
    private final String region;
    private final String endpoint;
    private final String accessKeyId;
    private final String secretAccessKey;

    private TimestreamSinkConfig(ReadableConfig options) {
        super(options, SINK);
        this.database = required(DATABASE.key(), options.get(DATABASE));
        this.table = required(TABLE.key(), options.get(TABLE));
        this.region = required(REGION.key(), options.get(REGION));
        this.endpoint = blankToNull(options.get(ENDPOINT));
        this.accessKeyId = blankToNull(options.get(AWS_ACCESS_KEY_ID));
        this.secretAccessKey = blankToNull(options.get(AWS_SECRET_ACCESS_KEY));
        if (endpoint != null && !isHttpUrl(endpoint, true)) {
            throw invalid(ENDPOINT.key(), endpoint, "must look like http://host:port");
        }
        if ((accessKeyId == null) != (secretAccessKey == null)) {
            throw new IllegalArgumentException(
                    String.format(
                            "Set both '%s' and '%s', or neither (to use the default AWS "
                                    + "credentials chain).",
                            AWS_ACCESS_KEY_ID.key(), AWS_SECRET_ACCESS_KEY.key()));
        }
    }

    /** Reads and checks the sink settings; throws IllegalArgumentException naming the option. */
    public static TimestreamSinkConfig fromOptions(ReadableConfig options) {
        return new TimestreamSinkConfig(options);
    }

    public String database() {
        return database;
    }

    public String table() {
        return table;
    }

    public String region() {
        return region;
    }

    /** Null unless an endpoint override is configured (then endpoint discovery is off). */
    public String endpoint() {
        return endpoint;
    }

    String accessKeyId() {
        return accessKeyId;
    }

    String secretAccessKey() {
        return secretAccessKey;
    }

    @Override
    public String toString() {
        return String.format(
                "TimestreamSinkConfig{%s.%s in %s, endpoint=%s, credentials=%s, %s}",
                database,
                table,
                region,
                endpoint == null ? "discovered" : endpoint,
                accessKeyId == null ? "default chain" : "static",
                deliverySummary());
    }
}
