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
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Stage B of {@code agent_state_by_queue}, keyed by instance: applies the agents' contribution
 * changes in event-time order and, at every boundary T that the watermark passes, emits one row per
 * queue the instance has ever reported, zeros included (version 1; append-only, one row per T and
 * queue).
 *
 * <p>Once the instance has a queue, the operator schedules its own next boundary, so rows keep coming
 * while the watermark moves even if no agent event changes anything. At the end of a bounded input
 * (watermark +infinity) the chain stops at the first boundary where every queue is zero and no
 * change is pending. State per instance: the queues (name + 7 counts), the changes of boundaries not
 * yet reached, and the next boundary.
 */
public class QueueSnapshotFunction extends KeyedProcessFunction<String, AgentDelta, Row> {

    private static final long serialVersionUID = 1L;

    public static final String TIME_COLUMN = "snapshot_time";
    public static final RowTypeInfo ROW_TYPE = rowType();

    private final long stepMillis;

    private transient MapState<String, QueueCounts> queues;
    private transient MapState<Long, List<AgentDelta>> pending;
    private transient ValueState<Long> nextBoundary;
    private transient Distribution emitLag;
    private transient WatermarkLag watermarkLag;

    public QueueSnapshotFunction(long stepMillis) {
        this.stepMillis = stepMillis;
    }

    private static RowTypeInfo rowType() {
        List<String> names = new ArrayList<>(List.of(TIME_COLUMN, "instance_id", "queue_id", "queue_name", "version"));
        List<TypeInformation<?>> types =
                new ArrayList<>(List.of(Types.LOCAL_DATE_TIME, Types.STRING, Types.STRING, Types.STRING, Types.LONG));
        for (String measure : AgentStateRules.MEASURES) {
            names.add(measure);
            types.add(Types.LONG);
        }
        return new RowTypeInfo(types.toArray(new TypeInformation<?>[0]), names.toArray(new String[0]));
    }

    @Override
    public void open(Configuration parameters) {
        queues = getRuntimeContext().getMapState(
                new MapStateDescriptor<>("queues", Types.STRING, TypeInformation.of(QueueCounts.class)));
        pending = getRuntimeContext().getMapState(new MapStateDescriptor<>(
                "pending", Types.LONG, Types.LIST(TypeInformation.of(AgentDelta.class))));
        nextBoundary = getRuntimeContext().getState(new ValueStateDescriptor<>("next-boundary", Types.LONG));
        // Freshness: from the boundary (event time) to its rows leaving here; by design at least the
        // out-of-orderness plus the time for an event past it to arrive.
        emitLag = Distribution.register(getRuntimeContext().getMetricGroup(), "snapshotEmitLagMillis");
        watermarkLag = WatermarkLag.register(getRuntimeContext().getMetricGroup());
    }

    @Override
    public void processElement(AgentDelta delta, Context ctx, Collector<Row> out) throws Exception {
        Long next = nextBoundary.value();
        // Stage A only sends changes of boundaries not yet reached; the guard keeps a change that
        // somehow comes after its boundary from being lost (it then applies at the next one).
        long boundary = next != null && delta.boundary < next ? next : delta.boundary;
        List<AgentDelta> list = pending.get(boundary);
        if (list == null) {
            list = new ArrayList<>();
        }
        list.add(delta);
        pending.put(boundary, list);
        ctx.timerService().registerEventTimeTimer(boundary - 1);
    }

    @Override
    public void onTimer(long timestamp, OnTimerContext ctx, Collector<Row> out) throws Exception {
        long boundary = timestamp + 1;
        watermarkLag.seen(ctx.timerService().currentWatermark());
        Long next = nextBoundary.value();
        if (next != null && boundary < next) {
            return; // this boundary has been emitted by the chain already
        }
        applyPendingUpTo(boundary);
        boolean anyCounted = false;
        LocalDateTime time = LocalDateTime.ofEpochSecond(
                Math.floorDiv(boundary, 1000L), (int) Math.floorMod(boundary, 1000L) * 1_000_000, ZoneOffset.UTC);
        TreeMap<String, QueueCounts> sorted = new TreeMap<>();
        for (Map.Entry<String, QueueCounts> entry : queues.entries()) {
            sorted.put(entry.getKey(), entry.getValue());
        }
        for (Map.Entry<String, QueueCounts> entry : sorted.entrySet()) {
            QueueCounts counts = entry.getValue();
            anyCounted |= !counts.isZero();
            Row row = new Row(ROW_TYPE.getArity());
            row.setField(0, time);
            row.setField(1, ctx.getCurrentKey());
            row.setField(2, entry.getKey());
            row.setField(3, counts.name);
            row.setField(4, 1L);
            for (int i = 0; i < counts.counts.length; i++) {
                row.setField(5 + i, counts.counts[i]);
            }
            out.collect(row);
        }
        // Aligned to the current interval (it may have changed since this boundary was scheduled).
        emitLag.record(ctx.timerService().currentProcessingTime() - boundary);
        long following = AgentStateRules.firstBoundaryAfter(boundary, stepMillis);
        nextBoundary.update(following);
        boolean endOfInput = ctx.timerService().currentWatermark() == Long.MAX_VALUE;
        if (!sorted.isEmpty() && (!endOfInput || anyCounted || !pending.isEmpty())) {
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
            for (AgentDelta delta : pending.get(key)) {
                apply(delta);
            }
            pending.remove(key);
        }
    }

    private void apply(AgentDelta delta) throws Exception {
        for (int i = 0; i < delta.seenQueueIds.length; i++) {
            QueueCounts counts = queue(delta.seenQueueIds[i]);
            if (delta.eventTime >= counts.nameTime) {
                counts.name = delta.seenQueueNames[i];
                counts.nameTime = delta.eventTime;
            }
            queues.put(delta.seenQueueIds[i], counts);
        }
        for (String queueId : delta.oldQueueIds) {
            QueueCounts counts = queue(queueId);
            counts.add(delta.oldFlags, -1);
            queues.put(queueId, counts);
        }
        for (String queueId : delta.newQueueIds) {
            QueueCounts counts = queue(queueId);
            counts.add(delta.newFlags, 1);
            queues.put(queueId, counts);
        }
    }

    private QueueCounts queue(String queueId) throws Exception {
        QueueCounts counts = queues.get(queueId);
        return counts != null ? counts : new QueueCounts();
    }
}
