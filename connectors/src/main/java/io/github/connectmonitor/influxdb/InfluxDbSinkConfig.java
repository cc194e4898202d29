package io.github.connectmonitor.influxdb;

import io.github.connectmonitor.sink.SinkConfig;
import org.apache.flink.configuration.ReadableConfig;

import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;

import static io.github.connectmonitor.influxdb.InfluxDbConnectorOptions.DATABASE;
import static io.github.connectmonitor.influxdb.InfluxDbConnectorOptions.SINK;
import static io.github.connectmonitor.influxdb.InfluxDbConnectorOptions.TOKEN;
import static io.github.connectmonitor.influxdb.InfluxDbConnectorOptions.URL;

/**
 * Where the sink writes (url, database) and with which token, read and checked once from the
 * options; the delivery settings come from {@link SinkConfig}. Every error names the option to fix.
 * Serializable: it travels with the sink to the task managers. The token never appears in {@link
 * #toString}.
 */
public final class InfluxDbSinkConfig extends SinkConfig {

    private static final long serialVersionUID = 1L;

    private final String url;
    private final String database;
    private final String token;

    private InfluxDbSinkConfig(ReadableConfig options) {
        super(options, SINK);
        String base = required(URL.key(), options.get(URL));
        this.url = base.endsWith("/") ? base.substring(0, base.length() - 1) : base;
        this.database = required(DATABASE.key(), options.get(DATABASE));
        this.token = blankToNull(options.get(TOKEN));
        try {
            URI.create(url);
        } catch (IllegalArgumentException e) {
            throw invalid(URL.key(), url, "must look like http://host:8086");
        }
        if (!isHttpUrl(url, false)) {
            throw invalid(URL.key(), url, "must look like http://host:8086 (no query)");
        }
    }

    /** Reads and checks the sink settings; throws IllegalArgumentException naming the option. */
    public static InfluxDbSinkConfig fromOptions(ReadableConfig options) {
        return new InfluxDbSinkConfig(options);
    }

    public String url() {
        return url;
    }

    public String database() {
        return database;
    }

    /** The v1 write API, with millisecond times: {@code {url}/write?db={database}&precision=ms}. */
    URI writeUri() {
        return URI.create(
                url + "/write?db=" + URLEncoder.encode(database, StandardCharsets.UTF_8) + "&precision=ms");
    }

    /** Null when no token is configured (then no Authorization header is sent). */
    String token() {
        return token;
    }

    @Override
    public String toString() {
        return String.format(
                "InfluxDbSinkConfig{%s db=%s, token=%s, %s}",
                url, database, token == null ? "none" : "set", deliverySummary());
    }
}
