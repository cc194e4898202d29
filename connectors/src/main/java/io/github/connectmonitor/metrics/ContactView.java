package io.github.connectmonitor.metrics;

import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.time.ZonedDateTime;

/**
 * The three views of the deduplicated contacts (docs/METRICS.md): which windows a contact disconnected at
 * {@code d} belongs to, and the time each window's row carries.
 *
 * <ul>
 *   <li>{@link #TUMBLING}: [kW, (k+1)W) containing d, row time its end;
 *   <li>{@link #ROLLING}: every T = kW with d in [T − R, T), row time T (R a multiple of W);
 *   <li>{@link #DAILY}: the local day of d in the configured zone, row time its midnight (as a UTC instant).
 * </ul>
 */
public enum ContactView {
    TUMBLING("queue_contact_metrics"),
    ROLLING("queue_contact_metrics_rolling"),
    DAILY("queue_contact_metrics_daily");

    public final String table;

    ContactView(String table) {
        this.table = table;
    }

    /** One window of a view: [start, end), and the time its row carries. */
    public static final class Window {
        public final long start;
        public final long end;
        public final long rowTime;

        Window(long start, long end, long rowTime) {
            this.start = start;
            this.end = end;
            this.rowTime = rowTime;
        }
    }

    /** The view's windows of a contact disconnected at {@code disconnect}, oldest first. */
    public Window[] windows(long disconnect, long windowMillis, long rollingMillis, ZoneId zone) {
        long start = Math.floorDiv(disconnect, windowMillis) * windowMillis;
        switch (this) {
            case TUMBLING:
                return new Window[] {new Window(start, start + windowMillis, start + windowMillis)};
            case ROLLING: {
                int count = (int) (rollingMillis / windowMillis);
                Window[] result = new Window[count];
                for (int i = 0; i < count; i++) {
                    long end = start + windowMillis * (i + 1);
                    result[i] = new Window(end - rollingMillis, end, end);
                }
                return result;
            }
            default: {
                LocalDate day = Instant.ofEpochMilli(disconnect).atZone(zone).toLocalDate();
                long midnight = day.atStartOfDay(zone).toInstant().toEpochMilli();
                ZonedDateTime next = day.plusDays(1).atStartOfDay(zone);
                return new Window[] {new Window(midnight, next.toInstant().toEpochMilli(), midnight)};
            }
        }
    }

    /**
     * A rolling row is "the last R at T": before the watermark reaches T it would show a window that has
     * not happened yet, so it is first written once the watermark passes T. The others are written as
     * their contacts come in (today so far; a window so far).
     */
    public boolean writtenBeforeItsEnd() {
        return this != ROLLING;
    }
}
