package io.github.connectmonitor.influxdb;

import io.github.connectmonitor.sink.SinkConfig;
import org.apache.flink.configuration.ReadableConfig;

import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;

import static io.github.connectmonitor.influxdb.InfluxDbConnectorOptions.AWS_REGION;
import static io.github.connectmonitor.influxdb.InfluxDbConnectorOptions.DATABASE;
import static io.github.connectmonitor.influxdb.InfluxDbConnectorOptions.SECRETSMANAGER_ENDPOINT;
import static io.github.connectmonitor.influxdb.InfluxDbConnectorOptions.SINK;
import static io.github.connectmonitor.influxdb.InfluxDbConnectorOptions.TOKEN;
import static io.github.connectmonitor.influxdb.InfluxDbConnectorOptions.TOKEN_SECRET_ARN;
import static io.github.connectmonitor.influxdb.InfluxDbConnectorOptions.URL;

/**
 * Where the sink writes (url, database) and with which token (the token itself, or the Secrets
 * Manager secret that holds it, read by {@link InfluxDbToken} when a writer starts), read and checked
 * once from the options; the delivery settings come from {@link SinkConfig}. Every error names the
 * option to fix. Serializable: it travels with the sink to the task managers. The token never
 * appears in {@link #toString}.
 */
public final class InfluxDbSinkConfig extends SinkConfig {

    private static final long serialVersionUID = 1L;

    private final String url;
    private final String database;
    private final String token;
    private final String tokenSecretArn;
    private final String awsRegion;
    private final String secretsManagerEndpoint;

    private InfluxDbSinkConfig(ReadableConfig options) {
        super(options, SINK);
        String base = required(URL.key(), options.get(URL));
        this.url = base.endsWith("/") ? base.substring(0, base.length() - 1) : base;
        this.database = required(DATABASE.key(), options.get(DATABASE));
        this.token = blankToNull(options.get(TOKEN));
        this.tokenSecretArn = blankToNull(options.get(TOKEN_SECRET_ARN));
        this.awsRegion = blankToNull(options.get(AWS_REGION));
        this.secretsManagerEndpoint = blankToNull(options.get(SECRETSMANAGER_ENDPOINT));
        try {
            URI.create(url);
        } catch (IllegalArgumentException e) {
            throw invalid(URL.key(), url, "must look like http://host:8086");
        }
        if (!isHttpUrl(url, false)) {
            throw invalid(URL.key(), url, "must look like http://host:8086 (no query)");
        }
        checkTokenOptions();
    }

    private void checkTokenOptions() {
        if (token != null && tokenSecretArn != null) {
            throw new IllegalArgumentException(
                    String.format(
                            "Set either '%s' or '%s', not both: '%s' is the token itself, '%s' the "
                                    + "Secrets Manager secret that holds it.",
                            TOKEN.key(), TOKEN_SECRET_ARN.key(), TOKEN.key(), TOKEN_SECRET_ARN.key()));
        }
        if (tokenSecretArn == null) {
            String unused =
                    awsRegion != null
                            ? AWS_REGION.key()
                            : secretsManagerEndpoint != null ? SECRETSMANAGER_ENDPOINT.key() : null;
            if (unused != null) {
                throw new IllegalArgumentException(
                        String.format(
                                "Option '%s' is only used to read '%s'; set that too, or leave '%s' out.",
                                unused, TOKEN_SECRET_ARN.key(), unused));
            }
            return;
        }
        if (!tokenSecretArn.startsWith("arn:") || !tokenSecretArn.contains(":secretsmanager:")) {
            throw invalid(
                    TOKEN_SECRET_ARN.key(),
                    tokenSecretArn,
                    "must be the ARN of a Secrets Manager secret, e.g. "
                            + "arn:aws:secretsmanager:eu-west-2:123456789012:secret:influxdb-token-AbCdEf");
        }
        if (secretsManagerEndpoint != null && !isHttpUrl(secretsManagerEndpoint, true)) {
            throw invalid(SECRETSMANAGER_ENDPOINT.key(), secretsManagerEndpoint, "must look like http://host:port");
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

    /** The token option; null when none is set (see {@link #tokenSecretArn}). */
    String token() {
        return token;
    }

    /** The secret holding the token; null unless {@code token.secret-arn} is set. */
    String tokenSecretArn() {
        return tokenSecretArn;
    }

    /** The Secrets Manager client's region; null for the default region chain. */
    String awsRegion() {
        return awsRegion;
    }

    /** The Secrets Manager endpoint override; null for the service's own. */
    String secretsManagerEndpoint() {
        return secretsManagerEndpoint;
    }

    @Override
    public String toString() {
        return String.format(
                "InfluxDbSinkConfig{%s db=%s, token=%s, %s}",
                url,
                database,
                token != null ? "set" : tokenSecretArn != null ? "from " + tokenSecretArn : "none",
                deliverySummary());
    }
}
