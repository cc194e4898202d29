package io.github.connectmonitor.influxdb;

import io.github.connectmonitor.sink.SinkEntry;

import java.nio.charset.StandardCharsets;

/**
 * One point as the sink buffers it: its line of line protocol (without the line break), its time
 * for the freshness metric, and, for a row the sink cannot write, the reason (then the line is a
 * best-effort rendering for the dead letters and is never sent).
 */
public final class InfluxDbPoint implements SinkEntry {

    private static final long serialVersionUID = 1L;

    private final String line;
    private final Long timeMillis;
    private final String invalidReason;

    public InfluxDbPoint(String line, Long timeMillis, String invalidReason) {
        this.line = line;
        this.timeMillis = timeMillis;
        this.invalidReason = invalidReason;
    }

    static InfluxDbPoint valid(String line, long timeMillis) {
        return new InfluxDbPoint(line, timeMillis, null);
    }

    public String line() {
        return line;
    }

    /** Null when the row had no time. */
    @Override
    public Long timeMillis() {
        return timeMillis;
    }

    @Override
    public String invalidReason() {
        return invalidReason;
    }

    /** The line's UTF-8 size plus its line break: what the point adds to a request body. */
    @Override
    public long sizeInBytes() {
        return line.getBytes(StandardCharsets.UTF_8).length + 1L;
    }

    @Override
    public boolean equals(Object o) {
        if (!(o instanceof InfluxDbPoint)) {
            return false;
        }
        InfluxDbPoint other = (InfluxDbPoint) o;
        return line.equals(other.line)
                && java.util.Objects.equals(timeMillis, other.timeMillis)
                && java.util.Objects.equals(invalidReason, other.invalidReason);
    }

    @Override
    public int hashCode() {
        return line.hashCode();
    }

    @Override
    public String toString() {
        return invalidReason == null ? line : line + " (not written: " + invalidReason + ")";
    }
}
