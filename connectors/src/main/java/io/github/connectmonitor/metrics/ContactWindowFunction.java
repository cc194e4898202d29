package io.github.connectmonitor.metrics;

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
 * Stage 2 of {@code queue_contact_metrics}, keyed by (instance, queue, channel, window): keeps the
 * window's contacts and emits its figures when they changed, at most once per
 * {@code emit_interval} of processing time, each emission with a higher version (its wall-clock
 * milliseconds, and above the window's last one, so also above what a crashed run wrote), so that
 * Timestream keeps the newest. The window is final, and its state dropped, when the watermark
 * passes its end plus {@code allowed_lateness}; figures not yet emitted are emitted then.
 */
public class ContactWindowFunction extends KeyedProcessFunction<String, ContactChange, Row> {

    private static final long serialVersionUID = 1L;

    public static final String TIME_COLUMN = "window_end";

    private final long windowMillis;
    private final long allowedLatenessMillis;
    private final long emitIntervalMillis;
    private final int[] thresholdsSeconds;

    private transient MapState<String, ContactRecord> contacts;
    private transient ValueState<Long> version;
    private transient ValueState<Long> lastEmit;
    private transient ValueState<Long> emitTimer;
    private transient ValueState<String> lastFigures;
    private transient ValueState<String> queueName;

    public ContactWindowFunction(
            long windowMillis, long allowedLatenessMillis, long emitIntervalMillis, int[] thresholdsSeconds) {
        this.windowMillis = windowMillis;
        this.allowedLatenessMillis = allowedLatenessMillis;
        this.emitIntervalMillis = emitIntervalMillis;
        this.thresholdsSeconds = thresholdsSeconds.clone();
    }

    public static RowTypeInfo rowType(int[] thresholdsSeconds) {
        List<String> names = new ArrayList<>(
                List.of(TIME_COLUMN, "instance_id", "queue_id", "queue_name", "channel", "version"));
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
    }

    @Override
    public void processElement(ContactChange change, Context ctx, Collector<Row> out) throws Exception {
        if (change.retract) {
            contacts.remove(change.contact.contactId);
        } else {
            contacts.put(change.contact.contactId, change.contact);
        }
        ctx.timerService().registerEventTimeTimer(change.windowEnd + allowedLatenessMillis - 1);
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
    }

    private void emitIfChanged(OnTimerContext ctx, Collector<Row> out) throws Exception {
        List<ContactRecord> window = new ArrayList<>();
        ContactRecord newest = null;
        for (ContactRecord contact : contacts.values()) {
            window.add(contact);
            if (newest == null || contact.lastUpdateTime > newest.lastUpdateTime
                    || (contact.lastUpdateTime == newest.lastUpdateTime && contact.contactId.compareTo(newest.contactId) > 0)) {
                newest = contact;
            }
        }
        Object[] figures = WindowFigures.compute(window, thresholdsSeconds);
        String fingerprint = Arrays.toString(figures);
        if (fingerprint.equals(lastFigures.value()) || (lastFigures.value() == null && window.isEmpty())) {
            return;
        }
        String[] key = ctx.getCurrentKey().split("\\|", -1);
        long windowEnd = Long.parseLong(key[3]);
        // The version is the emission's wall-clock time (and above the last one): a job restored from a
        // checkpoint re-emits windows it had written after that checkpoint, and a counter restored with the
        // state would reuse their versions, which Timestream rejects when the figures differ.
        long now = ctx.timerService().currentProcessingTime();
        long next = version.value() == null ? Math.max(1L, now) : Math.max(version.value() + 1, now);
        Row row = new Row(6 + figures.length);
        row.setField(0, LocalDateTime.ofEpochSecond(
                Math.floorDiv(windowEnd, 1000L), (int) Math.floorMod(windowEnd, 1000L) * 1_000_000, ZoneOffset.UTC));
        row.setField(1, key[0]);
        row.setField(2, key[1]);
        if (newest != null && newest.queueName != null && !newest.queueName.isEmpty()) {
            queueName.update(newest.queueName); // an emptied window keeps its series' name
        }
        row.setField(3, nullToEmpty(queueName.value()));
        row.setField(4, key[2]);
        row.setField(5, next);
        for (int i = 0; i < figures.length; i++) {
            row.setField(6 + i, figures[i]);
        }
        out.collect(row);
        version.update(next);
        lastEmit.update(ctx.timerService().currentProcessingTime());
        lastFigures.update(fingerprint);
    }

    private static String nullToEmpty(String value) {
        return value == null ? "" : value;
    }
}
