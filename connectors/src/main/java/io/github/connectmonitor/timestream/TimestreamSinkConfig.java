package io.github.connectmonitor.timestream;

import org.apache.flink.configuration.ReadableConfig;

import java.io.Serializable;
import java.net.URI;
import java.time.Duration;

import static io.github.connectmonitor.timestream.TimestreamConnectorOptions.AWS_ACCESS_KEY_ID;
import static io.github.connectmonitor.timestream.TimestreamConnectorOptions.AWS_SECRET_ACCESS_KEY;
import static io.github.connectmonitor.timestream.TimestreamConnectorOptions.DATABASE;
import static io.github.connectmonitor.timestream.TimestreamConnectorOptions.DEAD_LETTER_PATH;
import static io.github.connectmonitor.timestream.TimestreamConnectorOptions.ENDPOINT;
import static io.github.connectmonitor.timestream.TimestreamConnectorOptions.FLUSH_BUFFER_SIZE;
import static io.github.connectmonitor.timestream.TimestreamConnectorOptions.FLUSH_BUFFER_TIMEOUT;
import static io.github.connectmonitor.timestream.TimestreamConnectorOptions.FLUSH_ON_CHECKPOINT;
import static io.github.connectmonitor.timestream.TimestreamConnectorOptions.MAX_BATCH_SIZE;
import static io.github.connectmonitor.timestream.TimestreamConnectorOptions.MAX_BUFFERED_REQUESTS;
import static io.github.connectmonitor.timestream.TimestreamConnectorOptions.MAX_IN_FLIGHT_REQUESTS;
import static io.github.connectmonitor.timestream.TimestreamConnectorOptions.MAX_RECORDS_PER_REQUEST;
import static io.github.connectmonitor.timestream.TimestreamConnectorOptions.REGION;
import static io.github.connectmonitor.timestream.TimestreamConnectorOptions.REQUEST_TIMEOUT;
import static io.github.connectmonitor.timestream.TimestreamConnectorOptions.RETRY_INITIAL_BACKOFF;
import static io.github.connectmonitor.timestream.TimestreamConnectorOptions.RETRY_MAX_ATTEMPTS;
import static io.github.connectmonitor.timestream.TimestreamConnectorOptions.RETRY_MAX_BACKOFF;
import static io.github.connectmonitor.timestream.TimestreamConnectorOptions.TABLE;

/**
 * The sink's connection and delivery settings, read and checked once from the options. Every
 * error names the option to fix. Serializable: it travels with the sink to the task managers.
 */
public final class TimestreamSinkConfig implements Serializable {

    private static final long serialVersionUID = 1L;

    private static final long MIN_FLUSH_BUFFER_BYTES = RecordMapper.MAX_RECORD_BYTES;

    private final String database;
    private final String table;
    private final String region;
    private final String endpoint;
    private final String accessKeyId;
    private final String secretAccessKey;
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

    private TimestreamSinkConfig(ReadableConfig options) {
        this.database = required(DATABASE.key(), options.get(DATABASE));
        this.table = required(TABLE.key(), options.get(TABLE));
        this.region = required(REGION.key(), options.get(REGION));
        this.endpoint = blankToNull(options.get(ENDPOINT));
        this.accessKeyId = blankToNull(options.get(AWS_ACCESS_KEY_ID));
        this.secretAccessKey = blankToNull(options.get(AWS_SECRET_ACCESS_KEY));
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
    public static TimestreamSinkConfig fromOptions(ReadableConfig options) {
        return new TimestreamSinkConfig(options);
    }

    private void validate() {
        if (endpoint != null) {
            URI uri;
            try {
                uri = URI.create(endpoint);
            } catch (IllegalArgumentException e) {
                throw invalid(ENDPOINT.key(), endpoint, "must look like http://host:port");
            }
            if (uri.getScheme() == null
                    || !(uri.getScheme().equals("http") || uri.getScheme().equals("https"))
                    || uri.getHost() == null) {
                throw invalid(ENDPOINT.key(), endpoint, "must look like http://host:port");
            }
        }
        if ((accessKeyId == null) != (secretAccessKey == null)) {
            throw new IllegalArgumentException(
                    String.format(
                            "Set both '%s' and '%s', or neither (to use the default AWS "
                                    + "credentials chain).",
                            AWS_ACCESS_KEY_ID.key(), AWS_SECRET_ACCESS_KEY.key()));
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
        if (maxBatchSize < 1 || maxBatchSize > MAX_RECORDS_PER_REQUEST) {
            throw invalid(
                    MAX_BATCH_SIZE.key(),
                    maxBatchSize,
                    "must be 1 to " + MAX_RECORDS_PER_REQUEST + " (Timestream's WriteRecords limit)");
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
     * retries, so allow all attempts and their backoffs, plus a minute of slack.
     */
    long inFlightTimeoutMillis() {
        return maxAttempts * (requestTimeout.toMillis() + maxBackoff.toMillis()) + 60_000L;
    }

    @Override
    public String toString() {
        return String.format(
                "TimestreamSinkConfig{%s.%s in %s, endpoint=%s, credentials=%s, deadLetters=%s, "
                        + "batch=%d, inFlight=%d, buffered=%d, attempts=%d}",
                database,
                table,
                region,
                endpoint == null ? "discovered" : endpoint,
                accessKeyId == null ? "default chain" : "static",
                deadLetterPath,
                maxBatchSize,
                maxInFlightRequests,
                maxBufferedRequests,
                maxAttempts);
    }
}
