package io.github.connectmonitor.influxdb;

import io.github.connectmonitor.JsonLinesFile;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.Closeable;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;

/**
 * Where points end that InfluxDB refuses or that cannot be written at all: always a WARN log line
 * with the reason and the point, and, when a path is configured, one JSON object per line:
 *
 * <pre>{@code
 * {"at":"2026-11-24T10:00:00Z","database":"connect","source":"server","status":400,
 *  "reason":"partial write: field type conflict: ...","time":1700000000000,
 *  "line":"queue,queue_id=q1 calls=4i 1700000000000"}
 * }</pre>
 *
 * <p>{@code source} is {@code server} for a point InfluxDB refused (with the HTTP status and the
 * server's own words) and {@code sink} for a point the sink refused before sending (status null).
 * Runs on the task thread only; not thread-safe.
 */
final class DeadLetterWriter implements Closeable {

    private static final Logger LOG = LoggerFactory.getLogger(DeadLetterWriter.class);

    private final String database;
    private final Clock clock;
    private final JsonLinesFile out;

    /** @param path JSON Lines file to append to, or null for the log only */
    DeadLetterWriter(String database, Path path, Clock clock) {
        this.database = database;
        this.out = path == null ? null : new JsonLinesFile(path);
        this.clock = clock;
    }

    /** @param status the HTTP status InfluxDB answered, or null when the sink refused the point */
    void write(InfluxDbPoint point, Integer status, String reason) throws IOException {
        LOG.warn(
                "Dead letter for InfluxDB database {} ({} refused it{}): {}; point: {}",
                database,
                status == null ? "sink" : "server",
                status == null ? "" : " with HTTP " + status,
                reason,
                point.line());
        if (out != null) {
            out.append(toJson(point, status, reason));
        }
    }

    String toJson(InfluxDbPoint point, Integer status, String reason) {
        StringBuilder json = new StringBuilder(256).append('{');
        field(json, "at", clock.instant().toString()).append(',');
        field(json, "database", database).append(',');
        field(json, "source", status == null ? "sink" : "server").append(',');
        json.append("\"status\":").append(status).append(',');
        field(json, "reason", reason).append(',');
        json.append("\"time\":").append(point.timeMillis()).append(',');
        field(json, "line", point.line());
        return json.append('}').toString();
    }

    private static StringBuilder field(StringBuilder json, String name, String value) {
        JsonLinesFile.quote(json, name).append(':');
        return value == null ? json.append("null") : JsonLinesFile.quote(json, value);
    }

    @Override
    public void close() throws IOException {
        if (out != null) {
            out.close();
        }
    }
}
