package io.github.connectmonitor.influxdb;

import org.apache.flink.configuration.ReadableConfig;

import java.io.Serializable;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

import static io.github.connectmonitor.influxdb.InfluxDbConnectorOptions.DATABASE;
import static io.github.connectmonitor.influxdb.InfluxDbConnectorOptions.DEAD_LETTER_PATH;
import static io.github.connectmonitor.influxdb.InfluxDbConnectorOptions.FLUSH_BUFFER_SIZE;
import static io.github.connectmonitor.influxdb.InfluxDbConnectorOptions.FLUSH_BUFFER_TIMEOUT;
import static io.github.connectmonitor.influxdb.InfluxDbConnectorOptions.FLUSH_ON_CHECKPOINT;
import static io.github.connectmonitor.influxdb.InfluxDbConnectorOptions.MAX_BATCH_SIZE;
import static io.github.connectmonitor.influxdb.InfluxDbConnectorOptions.MAX_BUFFERED_REQUESTS;
import static io.github.connectmonitor.influxdb.InfluxDbConnectorOptions.MAX_IN_FLIGHT_REQUESTS;
import static io.github.connectmonitor.influxdb.InfluxDbConnectorOptions.REQUEST_TIMEOUT;
import static io.github.connectmonitor.influxdb.InfluxDbConnectorOptions.RETRY_INITIAL_BACKOFF;
import static io.github.connectmonitor.influxdb.InfluxDbConnectorOptions.RETRY_MAX_ATTEMPTS;
import static io.github.connectmonitor.influxdb.InfluxDbConnectorOptions.RETRY_MAX_BACKOFF;
import static io.github.connectmonitor.influxdb.InfluxDbConnectorOptions.TOKEN;
import static io.github.connectmonitor.influxdb.InfluxDbConnectorOptions.URL;

/**
 * The sink's connection and delivery settings, read and checked once from the options. Every
 * error names the option to fix. Serializable: it travels with the sink to the task managers. The
 * token never appears in {@link #toString}.
 */
public final class InfluxDbSinkConfig implements Serializable {

    private static final long serialVersionUID = 1L;

    private static final long MIN_FLUSH_BUFFER_BYTES = PointMapper.MAX_POINT_BYTES;

    private final String url;
    private final String database;
    private final String token;
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

    private InfluxDbSinkConfig(ReadableConfig options) {
        String base = required(URL.key(), options.get(URL));
        this.url = base.endsWith("/") ? base.substring(0, base.length() - 1) : base;
        this.database = required(DATABASE.key(), options.get(DATABASE));
        this.token = blankToNull(options.get(TOKEN));
        this.deadLetterPath = blankToNull(options.get(DEAD_LETTER_PATH));
        this.maxAttempts = options.get(RETRY_MAX_ATTEMPTS);
        this.initialBackoff = options.get(RETRY_INITIAL_BACKOFF);
        this.maxBackoff = options.get(RETRY_MAX_BACKOFF);
        this.requestTimeout = options.get(REQUEST_TIMEOUT);
        this.flushOnCheckpoint = options.get(FLUSH_ON_CHECKPOINT);
        this.maxBatchSize = options.get(MAX_BATCH_SIZE);
        this.maxInFlightRequests = options.get(MAX_IN_FLIGHT_REQUESTS);
        this.maxBufferedRequests = options.get(MAX_BUFFERED_REQUESTS);
        this.flushBufferBytes = options.get(FLUSH_BUFFER_SIZE).getBytes();
        this.flushBufferTimeoutMillis = options.get(FLUSH_BUFFER_TIMEOUT).toMillis();
        validate();
    }

    /** Reads and checks the sink settings; throws IllegalArgumentException naming the option. */
    public static InfluxDbSinkConfig fromOptions(ReadableConfig options) {
        return new InfluxDbSinkConfig(options);
    }

    private void validate() {
        URI uri;
        try {
            uri = URI.create(url);
        } catch (IllegalArgumentException e) {
            throw invalid(URL.key(), url, "must look like http://host:8086");
        }
        if (uri.getScheme() == null
                || !(uri.getScheme().equals("http") || uri.getScheme().equals("https"))
                || uri.getHost() == null
                || uri.getRawQuery() != null) {
            throw invalid(URL.key(), url, "must look like http://host:8086 (no query)");
        }
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
        if (maxBatchSize < 1) {
            throw invalid(MAX_BATCH_SIZE.key(), maxBatchSize, "must be at least 1");
        }
        if (maxInFlightRequests < 1) {
            throw invalid(MAX_IN_FLIGHT_REQUESTS.key(), maxInFlightRequests, "must be at least 1");
        }
        if (maxBufferedRequests <= maxBatchSize) {
            throw invalid(
                    MAX_BUFFERED_REQUESTS.key(),
                    maxBufferedRequests,
                    "must be greater than " + MAX_BATCH_SIZE.key() + " (" + maxBatchSize + ")");
        }
        if (flushBufferBytes < MIN_FLUSH_BUFFER_BYTES) {
            throw invalid(FLUSH_BUFFER_SIZE.key(), flushBufferBytes + " bytes", "must be at least 64kb");
        }
        if (flushBufferTimeoutMillis < 1) {
            throw invalid(FLUSH_BUFFER_TIMEOUT.key(), flushBufferTimeoutMillis + " ms", "must be positive");
        }
    }

    private static String required(String key, String value) {
        if (value == null || value.trim().isEmpty()) {
            throw new IllegalArgumentException("Option '" + key + "' is required.");
        }
        return value.trim();
    }

    private static String blankToNull(String value) {
        return value == null || value.trim().isEmpty() ? null : value.trim();
    }

    private static IllegalArgumentException invalid(String key, Object value, String problem) {
        return new IllegalArgumentException(
                String.format("Option '%s' = '%s' %s.", key, value, problem));
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

    /** The dead-letter file of one subtask, or null. */
    String deadLetterPath(int subtask) {
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
     * retries and, after a refusal, the bisection's requests; allow all attempts and their
     * backoffs, plus a minute of slack.
     */
    long inFlightTimeoutMillis() {
        return maxAttempts * (requestTimeout.toMillis() + maxBackoff.toMillis()) + 60_000L;
    }

    @Override
    public String toString() {
        return String.format(
                "InfluxDbSinkConfig{%s db=%s, token=%s, deadLetters=%s, batch=%d, inFlight=%d, "
                        + "buffered=%d, attempts=%d}",
                url,
                database,
                token == null ? "none" : "set",
                deadLetterPath,
                maxBatchSize,
                maxInFlightRequests,
                maxBufferedRequests,
                maxAttempts);
    }
}
