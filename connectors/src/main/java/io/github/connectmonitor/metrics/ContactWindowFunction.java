package io.github.connectmonitor.metrics;

import io.github.connectmonitor.Distribution;
import org.apache.flink.api.common.state.MapState;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.api.java.typeutils.RowTypeInfo;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.streaming.api.TimeDomain;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.types.Row;
import org.apache.flink.util.Collector;

import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * Stage 2 of the contact metrics, one instance per {@link ContactView}, keyed by (instance, queue,
 * channel, window): keeps, per {@link Population}, how many of the window's contacts have each value (a
 * retraction takes its copy's values back out; the figures depend on nothing else, and a day-long window
 * holds a few thousand distinct durations rather than every contact of the day), and emits its figures
 * when they changed, at most once per
 * {@code emit_interval} of processing time, each emission with a higher version (its wall-clock
 * milliseconds, and above the window's last one, so also above what a crashed run wrote), so that
 * Timestream keeps the newest. A rolling window is first emitted when the watermark reaches its end
 * ({@link ContactView#writtenBeforeItsEnd}). The window is final, and its state dropped, when the
 * watermark passes its end plus {@code allowed_lateness}; figures not yet emitted are emitted then.
 */
public class ContactWindowFunction extends KeyedProcessFunction<String, ContactChange, Row> {

    private static final long serialVersionUID = 1L;

    private final ContactView view;
    private final long allowedLatenessMillis;
    private final long emitIntervalMillis;
    private final int[] thresholdsSeconds;

    /** Per population (by ordinal): value -> how many of the window's contacts have it. */
    private transient List<MapState<Double, Long>> valueCounts;
    /** Contacts in the window (the figures of an emptied window are not written before its first row). */
    private transient ValueState<Long> members;
    /** LastUpdateTimestamp and ContactId of the newest copy added: the row takes its queue name. */
    private transient ValueState<Long> newestUpdate;
    private transient ValueState<String> newestContact;
    private transient ValueState<Long> version;
    private transient ValueState<Long> lastEmit;
    private transient ValueState<Long> emitTimer;
    private transient ValueState<String> lastFigures;
    private transient ValueState<String> queueName;
    private transient ValueState<ContactChange> window;
    /** Processing time of the oldest change not written yet (freshness: change to write). */
    private transient ValueState<Long> pendingSince;
    private transient Distribution emitLag;

    public ContactWindowFunction(
            ContactView view, long allowedLatenessMillis, long emitIntervalMillis, int[] thresholdsSeconds) {
        this.view = view;
        this.allowedLatenessMillis = allowedLatenessMillis;
        this.emitIntervalMillis = emitIntervalMillis;
        this.thresholdsSeconds = thresholdsSeconds.clone();
    }

    /** The row's time column: the window end, or the day's start for the daily view. */
    public static String timeColumn(ContactView view) {
        return view == ContactView.DAILY ? "day_start" : "window_end";
    }

    public static RowTypeInfo rowType(ContactView view, int[] thresholdsSeconds) {
        List<String> names = new ArrayList<>(
                List.of(timeColumn(view), "instance_id", "queue_id", "queue_name", "channel", "version"));
        List<TypeInformation<?>> types = new ArrayList<>(
                List.of(Types.LOCAL_DATE_TIME, Types.STRING, Types.STRING, Types.STRING, Types.STRING, Types.LONG));
        List<String> measures = WindowFigures.measureNames(thresholdsSeconds);
        for (int i = 0; i < measures.size(); i++) {
            names.add(measures.get(i));
            types.add(i < WindowFigures.COUNT_MEASURES ? Types.LONG : Types.DOUBLE);
        }
        return new RowTypeInfo(types.toArray(new TypeInformation<?>[0]), names.toArray(new String[0]));
    }

    @Override
    public void open(Configuration parameters) {
        valueCounts = new ArrayList<>();
        for (Population population : Population.values()) {
            valueCounts.add(getRuntimeContext().getMapState(new MapStateDescriptor<>(
                    "values-" + population.name().toLowerCase(Locale.ROOT), Types.DOUBLE, Types.LONG)));
        }
        members = getRuntimeContext().getState(new ValueStateDescriptor<>("members", Types.LONG));
        newestUpdate = getRuntimeContext().getState(new ValueStateDescriptor<>("newest-update", Types.LONG));
        newestContact = getRuntimeContext().getState(new ValueStateDescriptor<>("newest-contact", Types.STRING));
        version = getRuntimeContext().getState(new ValueStateDescriptor<>("version", Types.LONG));
        lastEmit = getRuntimeContext().getState(new ValueStateDescriptor<>("last-emit", Types.LONG));
        emitTimer = getRuntimeContext().getState(new ValueStateDescriptor<>("emit-timer", Types.LONG));
        lastFigures = getRuntimeContext().getState(new ValueStateDescriptor<>("last-figures", Types.STRING));
        queueName = getRuntimeContext().getState(new ValueStateDescriptor<>("queue-name", Types.STRING));
        window = getRuntimeContext().getState(
                new ValueStateDescriptor<>("window", TypeInformation.of(ContactChange.class)));
        pendingSince = getRuntimeContext().getState(new ValueStateDescriptor<>("pending-since", Types.LONG));
        // Freshness: from a CTR reaching its window to the window's figures leaving here (the emit interval's
        // throttle included; a rolling window also waits for the watermark to reach its end).
        emitLag = Distribution.register(getRuntimeContext().getMetricGroup(), "contactEmitLagMillis");
    }

    @Override
    public void processElement(ContactChange change, Context ctx, Collector<Row> out) throws Exception {
        if (window.value() == null) {
            window.update(change); // the window's dimensions and times
        }
        if (pendingSince.value() == null) {
            pendingSince.update(ctx.timerService().currentProcessingTime());
        }
        count(change.contact, change.retract ? -1 : 1);
        ctx.timerService().registerEventTimeTimer(change.windowEnd + allowedLatenessMillis - 1);
        if (!view.writtenBeforeItsEnd() && ctx.timerService().currentWatermark() < change.windowEnd - 1) {
            ctx.timerService().registerEventTimeTimer(change.windowEnd - 1); // first written then
            return;
        }
        if (emitTimer.value() == null) {
            long now = ctx.timerService().currentProcessingTime();
            Long last = lastEmit.value();
            long at = last == null ? now + emitIntervalMillis : Math.max(now, last + emitIntervalMillis);
            ctx.timerService().registerProcessingTimeTimer(at);
            emitTimer.update(at);
        }
    }

    @Override
    public void onTimer(long timestamp, OnTimerContext ctx, Collector<Row> out) throws Exception {
        if (ctx.timeDomain() == TimeDomain.PROCESSING_TIME) {
            emitTimer.clear();
            emitIfChanged(ctx, out);
            return;
        }
        if (timestamp < window.value().windowEnd + allowedLatenessMillis - 1) {
            emitIfChanged(ctx, out); // a rolling window's end: its first write
            return;
        }
        emitIfChanged(ctx, out); // the window is final: what is not out yet goes now
        Long timer = emitTimer.value();
        if (timer != null) {
            ctx.timerService().deleteProcessingTimeTimer(timer);
        }
        for (MapState<Double, Long> counts : valueCounts) {
            counts.clear();
        }
        members.clear();
        newestUpdate.clear();
        newestContact.clear();
        version.clear();
        lastEmit.clear();
        emitTimer.clear();
        lastFigures.clear();
        queueName.clear();
        window.clear();
        pendingSince.clear();
    }

    private void emitIfChanged(OnTimerContext ctx, Collector<Row> out) throws Exception {
        double[][] sorted = new double[valueCounts.size()][];
        for (int i = 0; i < sorted.length; i++) {
            sorted[i] = sortedValues(valueCounts.get(i));
        }
        Object[] figures = WindowFigures.compute(sorted, thresholdsSeconds);
        String fingerprint = Arrays.toString(figures);
        boolean empty = members.value() == null || members.value() == 0L;
        if (fingerprint.equals(lastFigures.value()) || (lastFigures.value() == null && empty)) {
            pendingSince.clear(); // nothing to write: the changes cancelled out
            return;
        }
        ContactChange id = window.value();
        if (id == null) {
            return; // a timer of a window already final
        }
        long rowTime = id.rowTime;
        // The version is the emission's wall-clock time (and above the last one): a job restored from a
        // checkpoint re-emits windows it had written after that checkpoint, and a counter restored with the
        // state would reuse their versions, which Timestream rejects when the figures differ.
        long now = ctx.timerService().currentProcessingTime();
        long next = version.value() == null ? Math.max(1L, now) : Math.max(version.value() + 1, now);
        Row row = new Row(6 + figures.length);
        row.setField(0, LocalDateTime.ofEpochSecond(
                Math.floorDiv(rowTime, 1000L), (int) Math.floorMod(rowTime, 1000L) * 1_000_000, ZoneOffset.UTC));
        row.setField(1, id.contact.instanceId);
        row.setField(2, id.contact.queueId);
        row.setField(3, nullToEmpty(queueName.value()));
        row.setField(4, id.contact.channel);
        row.setField(5, next);
        for (int i = 0; i < figures.length; i++) {
            row.setField(6 + i, figures[i]);
        }
        out.collect(row);
        Long since = pendingSince.value();
        if (since != null) {
            emitLag.record(now - since);
            pendingSince.clear();
        }
        version.update(next);
        lastEmit.update(ctx.timerService().currentProcessingTime());
        lastFigures.update(fingerprint);
    }

    /** Adds ({@code +1}) or takes back ({@code -1}) one copy's values; the newest copy added names the row. */
    private void count(ContactRecord contact, int sign) throws Exception {
        for (Population population : Population.values()) {
            Double value = population.valueOf(contact);
            if (value == null) {
                continue;
            }
            MapState<Double, Long> counts = valueCounts.get(population.ordinal());
            Long held = counts.get(value);
            long next = (held == null ? 0L : held) + sign;
            if (next > 0) {
                counts.put(value, next);
            } else {
                counts.remove(value);
            }
        }
        Long size = members.value();
        members.update(Math.max(0L, (size == null ? 0L : size) + sign));
        if (sign > 0) {
            Long update = newestUpdate.value();
            boolean newer = update == null || contact.lastUpdateTime > update
                    || (contact.lastUpdateTime == update && contact.contactId.compareTo(newestContact.value()) > 0);
            if (newer) {
                newestUpdate.update(contact.lastUpdateTime);
                newestContact.update(contact.contactId);
                if (contact.queueName != null && !contact.queueName.isEmpty()) {
                    queueName.update(contact.queueName); // a nameless copy keeps the series' name
                }
            }
        }
    }

    /** The multiset's values in ascending order, each as often as it is held. */
    private static double[] sortedValues(MapState<Double, Long> counts) throws Exception {
        TreeMap<Double, Long> ordered = new TreeMap<>(); // Double.compareTo: the order Arrays.sort gives
        long total = 0;
        for (Map.Entry<Double, Long> entry : counts.entries()) {
            ordered.put(entry.getKey(), entry.getValue());
            total += entry.getValue();
        }
        double[] values = new double[Math.toIntExact(total)];
        int at = 0;
        for (Map.Entry<Double, Long> entry : ordered.entrySet()) {
            for (long i = 0; i < entry.getValue(); i++) {
                values[at++] = entry.getKey();
            }
        }
        return values;
    }

    private static String nullToEmpty(String value) {
        return value == null ? "" : value;
    }
}
