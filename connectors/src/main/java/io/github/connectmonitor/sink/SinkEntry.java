package io.github.connectmonitor.sink;

import java.io.Serializable;

/**
 * What a sink buffers for one row: a Timestream record or an InfluxDB point. A row the sink cannot
 * write (no time, nothing to store, too large) still becomes an entry, with the reason; the writer
 * dead-letters it instead of sending it.
 */
public interface SinkEntry extends Serializable {

    /**
     * Entries above this many bytes are dead-lettered unsent, so that one row cannot fail the
     * async-sink buffer (whose per-entry limit is {@code sink.flush-buffer.size}, at least this).
     */
    int MAX_BYTES = 64 * 1024;

    /** Why this entry cannot be written, or null when it can. */
    String invalidReason();

    default boolean isValid() {
        return invalidReason() == null;
    }

    /** The row's own time in epoch milliseconds (for the freshness metric); null only when invalid. */
    Long timeMillis();

    /** What the entry adds to a request, estimated; for the byte-based flush threshold. */
    long sizeInBytes();
}
