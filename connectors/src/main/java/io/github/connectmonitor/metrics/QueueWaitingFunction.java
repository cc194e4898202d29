package io.github.connectmonitor.metrics;

import io.github.connectmonitor.Distribution;
import io.github.connectmonitor.WatermarkLag;
import org.apache.flink.api.common.state.MapState;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.api.java.typeutils.RowTypeInfo;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.types.Row;
import org.apache.flink.util.Collector;

import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Stage B of {@code queue_contacts_waiting}, keyed by instance: applies the contacts' waits in boundary
 * order and, at every boundary T the watermark passes, writes per known (queue, channel) the contacts
 * waiting and the age of the oldest (T − its enqueue time; 0 when none), zeros included, version 1. A
 * contact stops counting once T − its enqueue time exceeds {@code queue.max_wait} (EventBridge may lose
 * the event that would end its wait). {@code queue_name} is the name most recently reported for the
 * queue by agent events or CTRs (by their own times), empty until one is seen.
 *
 * <p>Like {@link QueueSnapshotFunction}, it schedules its own next boundary once the instance has a queue;
 * at the end of a bounded input the chain stops at the first boundary where no contact waits and no change
 * is pending. State per instance: the known queues, the waiting contacts' enqueue times, the queue names,
 * the changes of boundaries not yet reached, and the next boundary.
 */
public class QueueWaitingFunction extends KeyedProcessFunction<String, WaitReport, Row> {

    private static final long serialVersionUID = 1L;

    public static final String TIME_COLUMN = "snapshot_time";
    public static final RowTypeInfo ROW_TYPE = new RowTypeInfo(
            new TypeInformation<?>[] {Types.LOCAL_DATE_TIME, Types.STRING, Types.STRING, Types.STRING, Types.STRING,
                Types.LONG, Types.LONG, Types.DOUBLE},
            new String[] {TIME_COLUMN, "instance_id", "queue_id", "queue_name", "channel", "version",
                "contacts_in_queue", "oldest_contact_age_seconds"});

    private final long stepMillis;
    private final long maxWaitMillis;

    /** queue + channel -> {queue, channel}; keys are never parsed (ids and channels may hold any character). */
    private transient MapState<String, String[]> known;
    /** queue + channel + contact -> {queue + channel, enqueue time}. */
    private transient MapState<String, Waiting> waiting;
    private transient MapState<String, String> names;
    private transient MapState<String, Long> nameTimes;
    private transient MapState<Long, List<WaitReport>> pending;
    private transient ValueState<Long> nextBoundary;
    private transient Distribution emitLag;
    private transient WatermarkLag watermarkLag;

    public QueueWaitingFunction(long stepMillis, long maxWaitMillis) {
        this.stepMillis = stepMillis;
        this.maxWaitMillis = maxWaitMillis;
    }

    @Override
    public void open(Configuration parameters) {
        known = getRuntimeContext().getMapState(
                new MapStateDescriptor<>("known", Types.STRING, Types.OBJECT_ARRAY(Types.STRING)));
        waiting = getRuntimeContext().getMapState(
                new MapStateDescriptor<>("waiting", Types.STRING, TypeInformation.of(Waiting.class)));
        names = getRuntimeContext().getMapState(new MapStateDescriptor<>("names", Types.STRING, Types.STRING));
        nameTimes = getRuntimeContext().getMapState(new MapStateDescriptor<>("name-times", Types.STRING, Types.LONG));
        pending = getRuntimeContext().getMapState(new MapStateDescriptor<>(
                "pending", Types.LONG, Types.LIST(TypeInformation.of(WaitReport.class))));
        nextBoundary = getRuntimeContext().getState(new ValueStateDescriptor<>("next-boundary", Types.LONG));
        // Freshness: from the boundary (event time) to its rows leaving here; by design at least the
        // out-of-orderness plus the time for an event past it to arrive.
        emitLag = Distribution.register(getRuntimeContext().getMetricGroup(), "waitingEmitLagMillis");
        watermarkLag = WatermarkLag.register(getRuntimeContext().getMetricGroup());
    }

    @Override
    public void processElement(WaitReport report, Context ctx, Collector<Row> out) throws Exception {
        if (report.kind == WaitReport.NAME) {
            Long time = nameTimes.get(report.queueId);
            if (report.name != null && !report.name.isEmpty() && (time == null || report.nameTime >= time)) {
                names.put(report.queueId, report.name);
                nameTimes.put(report.queueId, report.nameTime);
            }
            return;
        }
        Long next = nextBoundary.value();
        // Stage A sends changes of boundaries not yet written; a change that comes after its boundary
        // (it cannot, but the guard costs nothing) applies at the next one.
        long boundary = next != null && report.boundary < next ? next : report.boundary;
        List<WaitReport> list = pending.get(boundary);
        if (list == null) {
            list = new ArrayList<>();
        }
        list.add(report);
        pending.put(boundary, list);
        ctx.timerService().registerEventTimeTimer(boundary - 1);
    }

    @Override
    public void onTimer(long timestamp, OnTimerContext ctx, Collector<Row> out) throws Exception {
        long boundary = timestamp + 1;
        watermarkLag.seen(ctx.timerService().currentWatermark());
        Long next = nextBoundary.value();
        if (next != null && boundary < next) {
            return; // written by the chain already
        }
        applyPendingUpTo(boundary);
        TreeMap<String, long[]> queues = new TreeMap<>(); // queue + channel -> {count, earliest enqueue}
        for (String queueKey : known.keys()) {
            queues.put(queueKey, new long[] {0, Long.MAX_VALUE});
        }
        for (Iterator<Map.Entry<String, Waiting>> entries = waiting.iterator(); entries.hasNext(); ) {
            Waiting contact = entries.next().getValue();
            if (boundary - contact.enqueueTime > maxWaitMillis) {
                entries.remove(); // its leaving event was lost, and no CTR came
                continue;
            }
            long[] queue = queues.get(contact.queueKey);
            queue[0]++;
            queue[1] = Math.min(queue[1], contact.enqueueTime);
        }
        LocalDateTime time = LocalDateTime.ofEpochSecond(
                Math.floorDiv(boundary, 1000L), (int) Math.floorMod(boundary, 1000L) * 1_000_000, ZoneOffset.UTC);
        boolean anyWaiting = false;
        for (Map.Entry<String, long[]> entry : queues.entrySet()) {
            String[] queue = known.get(entry.getKey());
            long count = entry.getValue()[0];
            anyWaiting |= count > 0;
            String name = names.get(queue[0]);
            out.collect(Row.of(time, ctx.getCurrentKey(), queue[0], name == null ? "" : name, queue[1], 1L, count,
                    count == 0 ? 0.0 : (boundary - entry.getValue()[1]) / 1000.0));
        }
        emitLag.record(ctx.timerService().currentProcessingTime() - boundary);
        long following = AgentStateRules.firstBoundaryAfter(boundary, stepMillis);
        nextBoundary.update(following);
        boolean endOfInput = ctx.timerService().currentWatermark() == Long.MAX_VALUE;
        if (!queues.isEmpty() && (!endOfInput || anyWaiting || !pending.isEmpty())) {
            ctx.timerService().registerEventTimeTimer(following - 1);
        }
    }

    private void applyPendingUpTo(long boundary) throws Exception {
        List<Long> due = new ArrayList<>();
        for (Long key : pending.keys()) {
            if (key <= boundary) {
                due.add(key);
            }
        }
        due.sort(null);
        for (Long key : due) {
            for (WaitReport report : pending.get(key)) {
                String queueKey = report.queueKey();
                String contactKey = queueKey + "\u0000" + report.contactId;
                if (report.kind == WaitReport.START) {
                    waiting.put(contactKey, new Waiting(queueKey, report.enqueueTime));
                } else if (report.kind == WaitReport.STOP) {
                    waiting.remove(contactKey);
                }
                known.put(queueKey, new String[] {report.queueId, report.channel});
            }
            pending.remove(key);
        }
    }

    /** A contact waiting in a queue (a Flink POJO). */
    public static class Waiting {
        public String queueKey;
        public long enqueueTime;

        public Waiting() {}

        Waiting(String queueKey, long enqueueTime) {
            this.queueKey = queueKey;
            this.enqueueTime = enqueueTime;
        }
    }
}
