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

/**
 * Stage 2 of the contact metrics, one instance per {@link ContactView}, keyed by (instance, queue,
 * channel, window): keeps the window's contacts and emits its figures when they changed, at most once per
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

    private transient MapState<String, ContactRecord> contacts;
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
        contacts = getRuntimeContext().getMapState(
                new MapStateDescriptor<>("contacts", Types.STRING, TypeInformation.of(ContactRecord.class)));
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
        if (change.retract) {
            contacts.remove(change.contact.contactId);
        } else {
            contacts.put(change.contact.contactId, change.contact);
        }
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
        contacts.clear();
        version.clear();
        lastEmit.clear();
        emitTimer.clear();
        lastFigures.clear();
        queueName.clear();
        window.clear();
        pendingSince.clear();
    }

    private void emitIfChanged(OnTimerContext ctx, Collector<Row> out) throws Exception {
        List<ContactRecord> members = new ArrayList<>();
        ContactRecord newest = null;
        for (ContactRecord contact : contacts.values()) {
            members.add(contact);
            if (newest == null || contact.lastUpdateTime > newest.lastUpdateTime
                    || (contact.lastUpdateTime == newest.lastUpdateTime && contact.contactId.compareTo(newest.contactId) > 0)) {
                newest = contact;
            }
        }
        Object[] figures = WindowFigures.compute(members, thresholdsSeconds);
        String fingerprint = Arrays.toString(figures);
        if (fingerprint.equals(lastFigures.value()) || (lastFigures.value() == null && members.isEmpty())) {
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
        if (newest != null && newest.queueName != null && !newest.queueName.isEmpty()) {
            queueName.update(newest.queueName); // an emptied window keeps its series' name
        }
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

    private static String nullToEmpty(String value) {
        return value == null ? "" : value;
    }
}
