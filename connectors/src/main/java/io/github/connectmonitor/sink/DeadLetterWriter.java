package io.github.connectmonitor.sink;

import io.github.connectmonitor.JsonLinesFile;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.Closeable;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;

/**
 * Where entries end that the store refuses or that cannot be written at all: always a WARN log line
 * with the reason and the entry, and, when {@code sink.dead-letter.path} is set, one JSON object per
 * line in that file: {@code {"at":"2026-11-24T10:00:00Z", …}} followed by the store's own members
 * (connectors/README.md shows both stores' forms). Runs on the task thread only; not thread-safe.
 */
public final class DeadLetterWriter implements Closeable {

    private static final Logger LOG = LoggerFactory.getLogger(DeadLetterWriter.class);

    private final String target;
    private final Clock clock;
    private final JsonLinesFile out;

    /**
     * @param target what the entries were written to, as the log line names it, e.g. "Timestream
     *     table d.t"
     * @param path JSON Lines file to append to, or null for the log only
     */
    public DeadLetterWriter(String target, Path path, Clock clock) {
        this.target = target;
        this.out = path == null ? null : new JsonLinesFile(path);
        this.clock = clock;
    }

    /**
     * Logs {@code Dead letter for <target> (<refusal>): <reason>; <entry>} and appends {@code
     * {"at":…,<members>}} to the file.
     *
     * @param refusal who refused the entry, e.g. "sink refused it"
     * @param entry the entry as the log shows it, e.g. "point: queue,queue_id=q1 calls=4i 1700000000000"
     */
    public void write(String refusal, String reason, String entry, JsonObject members) throws IOException {
        LOG.warn("Dead letter for {} ({}): {}; {}", target, refusal, reason, entry);
        if (out != null) {
            out.append(toJson(members));
        }
    }

    String toJson(JsonObject members) {
        return new JsonObject().string("at", clock.instant().toString()).members(members).toString();
    }

    @Override
    public void close() throws IOException {
        if (out != null) {
            out.close();
        }
    }
}
