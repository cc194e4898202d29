package io.github.connectmonitor.timestream;

import io.github.connectmonitor.JsonLinesFile;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.Closeable;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;

/**
 * Where records end that Timestream rejects or that cannot be written at all: always a WARN log
 * line with the reason and the record, and, when a path is configured, one JSON object per line:
 *
 * <pre>{@code
 * {"at":"2026-11-24T10:00:00Z","database":"d","table":"t","source":"service",
 *  "reason":"...","existingVersion":7,
 *  "record":{"measureName":"m","time":1700000000000,"version":3,
 *            "dimensions":{"queue_id":"q1"},"measures":{"calls":{"type":"BIGINT","value":"4"}}}}
 * }</pre>
 *
 * <p>{@code source} is {@code service} for a RejectedRecords entry and {@code sink} for a record
 * the sink refused before sending. Runs on the task thread only; not thread-safe.
 */
final class DeadLetterWriter implements Closeable {

    private static final Logger LOG = LoggerFactory.getLogger(DeadLetterWriter.class);

    enum Source {
        SERVICE,
        SINK
    }

    private final String database;
    private final String table;
    private final Clock clock;
    private final JsonLinesFile out;

    /** @param path JSON Lines file to append to, or null for the log only */
    DeadLetterWriter(String database, String table, Path path, Clock clock) {
        this.database = database;
        this.table = table;
        this.out = path == null ? null : new JsonLinesFile(path);
        this.clock = clock;
    }

    void write(TimestreamRecord record, Source source, String reason, Long existingVersion)
            throws IOException {
        LOG.warn(
                "Dead letter for Timestream table {}.{} ({} refused it): {}{}; record: {}",
                database,
                table,
                source == Source.SERVICE ? "service" : "sink",
                reason,
                existingVersion == null ? "" : " (existing version " + existingVersion + ")",
                record);
        if (out == null) {
            return;
        }
        out.append(toJson(record, source, reason, existingVersion));
    }

    String toJson(TimestreamRecord record, Source source, String reason, Long existingVersion) {
        StringBuilder json = new StringBuilder(256).append('{');
        field(json, "at", clock.instant().toString()).append(',');
        field(json, "database", database).append(',');
        field(json, "table", table).append(',');
        field(json, "source", source == Source.SERVICE ? "service" : "sink").append(',');
        field(json, "reason", reason).append(',');
        json.append("\"existingVersion\":").append(existingVersion).append(',');
        json.append("\"record\":{");
        field(json, "measureName", record.measureName()).append(',');
        json.append("\"time\":").append(record.timeMillis()).append(',');
        json.append("\"version\":").append(record.version()).append(',');
        json.append("\"dimensions\":{");
        for (int i = 0; i < record.dimensionCount(); i++) {
            if (i > 0) {
                json.append(',');
            }
            field(json, record.dimensionName(i), record.dimensionValue(i));
        }
        json.append("},\"measures\":{");
        for (int i = 0; i < record.measureCount(); i++) {
            if (i > 0) {
                json.append(',');
            }
            string(json, record.measureName(i)).append(":{");
            field(json, "type", record.measureType(i).name()).append(',');
            field(json, "value", record.measureValue(i)).append('}');
        }
        return json.append("}}}").toString();
    }

    private static StringBuilder field(StringBuilder json, String name, String value) {
        string(json, name).append(':');
        return value == null ? json.append("null") : string(json, value);
    }

    private static StringBuilder string(StringBuilder json, String value) {
        return JsonLinesFile.quote(json, value);
    }

    @Override
    public void close() throws IOException {
        if (out != null) {
            out.close();
        }
    }
}
