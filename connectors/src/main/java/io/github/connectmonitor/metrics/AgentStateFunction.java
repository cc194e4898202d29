package io.github.connectmonitor.metrics;

import io.github.connectmonitor.ManagedFlinkMetrics;
import io.github.connectmonitor.WatermarkLag;
import org.apache.flink.api.common.state.MapState;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.metrics.Counter;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * Stage A of {@code agent_state_by_queue}, keyed by agent: turns the agent's events into
 * contribution changes ({@link AgentDelta}), at most one per snapshot boundary and only when the
 * agent's contribution (or the queues of its routing profile) changes.
 *
 * <p>Events wait in state until the watermark reaches the boundary they first affect; of the
 * events before one boundary only the latest counts (equal times: the later arrival), duplicates
 * (same EventId) count once. An event whose first boundary the watermark has already passed is
 * late: it goes to the dead letters as {@code too_late} (the snapshot it would change is final).
 *
 * <p>State per agent: the events of boundaries not yet reached (bounded by the out-of-orderness),
 * the contribution last sent, the queue names last announced, and the EventIds of the last
 * {@code stale_after} (for duplicates). An agent that is no longer counted and has nothing pending
 * leaves no state behind.
 */
public class AgentStateFunction extends KeyedProcessFunction<String, AgentEvent, AgentDelta> {

    private static final long serialVersionUID = 1L;

    private final long stepMillis;
    private final long staleAfterMillis;

    private transient MapState<Long, AgentEvent> pending;
    private transient ValueState<AgentEvent> applied;
    private transient ValueState<Integer> sentFlags;
    private transient ValueState<String[]> sentQueues;
    private transient MapState<String, String> announced;
    private transient MapState<String, Long> seenEventIds;
    private transient Counter duplicates;
    private transient Counter late;
    private transient WatermarkLag watermarkLag;

    public AgentStateFunction(long stepMillis, long staleAfterMillis) {
        if (stepMillis <= 0 || staleAfterMillis < stepMillis) {
            throw new IllegalArgumentException("need 0 < interval <= stale_after, got " + stepMillis + ", " + staleAfterMillis);
        }
        this.stepMillis = stepMillis;
        this.staleAfterMillis = staleAfterMillis;
    }

    @Override
    public void open(Configuration parameters) {
        TypeInformation<AgentEvent> eventType = TypeInformation.of(AgentEvent.class);
        pending = getRuntimeContext().getMapState(new MapStateDescriptor<>("pending", Types.LONG, eventType));
        applied = getRuntimeContext().getState(new ValueStateDescriptor<>("applied", eventType));
        sentFlags = getRuntimeContext().getState(new ValueStateDescriptor<>("sent-flags", Types.INT));
        sentQueues = getRuntimeContext().getState(
                new ValueStateDescriptor<>("sent-queues", Types.OBJECT_ARRAY(Types.STRING)));
        announced = getRuntimeContext().getMapState(new MapStateDescriptor<>("announced", Types.STRING, Types.STRING));
        seenEventIds = getRuntimeContext().getMapState(new MapStateDescriptor<>("seen", Types.STRING, Types.LONG));
        org.apache.flink.metrics.MetricGroup metrics = getRuntimeContext().getMetricGroup().addGroup(ManagedFlinkMetrics.GROUP);
        duplicates = metrics.counter("agentEventDuplicates");
        late = metrics.counter("agentEventsTooLate");
        watermarkLag = WatermarkLag.register(getRuntimeContext().getMetricGroup());
    }

    @Override
    public void processElement(AgentEvent event, Context ctx, Collector<AgentDelta> out) throws Exception {
        if (event.eventId != null && seenEventIds.contains(event.eventId)) {
            duplicates.inc();
            return;
        }
        long boundary = AgentStateRules.firstBoundaryAfter(event.eventTime, stepMillis);
        watermarkLag.seen(ctx.timerService().currentWatermark());
        if (boundary - 1 <= ctx.timerService().currentWatermark()) {
            late.inc();
            ctx.output(DeadLetters.TAG, DeadLetters.of(DeadLetters.TOO_LATE, DeadLetters.describe("agent_event",
                    "InstanceId", event.instanceId, "AgentId", event.agentId, "EventId", event.eventId,
                    "EventTimestamp", Instant.ofEpochMilli(event.eventTime).toString())));
            return;
        }
        if (event.eventId != null) {
            seenEventIds.put(event.eventId, event.eventTime);
        }
        AgentEvent winner = pending.get(boundary);
        if (winner == null || event.eventTime >= winner.eventTime) {
            pending.put(boundary, event);
        }
        ctx.timerService().registerEventTimeTimer(boundary - 1);
    }

    @Override
    public void onTimer(long timestamp, OnTimerContext ctx, Collector<AgentDelta> out) throws Exception {
        long boundary = timestamp + 1;
        AgentEvent event = pending.get(boundary);
        int oldFlags = sentFlags.value() == null ? 0 : sentFlags.value();
        String[] oldQueues = sentQueues.value() == null ? new String[0] : sentQueues.value();
        int newFlags;
        String[] newQueues;
        List<String> seenIds = new ArrayList<>();
        List<String> seenNames = new ArrayList<>();
        if (event != null) {
            pending.remove(boundary);
            applied.update(event);
            ctx.timerService().registerEventTimeTimer(
                    AgentStateRules.expiryBoundary(event.eventTime, staleAfterMillis, stepMillis) - 1);
            newFlags = event.flags;
            newQueues = newFlags == 0 ? new String[0] : event.queueIds;
            for (int i = 0; i < event.queueIds.length; i++) {
                String name = event.queueNames[i] == null ? "" : event.queueNames[i];
                if (!name.equals(announced.get(event.queueIds[i]))) {
                    announced.put(event.queueIds[i], name);
                    seenIds.add(event.queueIds[i]);
                    seenNames.add(name);
                }
            }
        } else {
            AgentEvent current = applied.value();
            if (current == null || boundary - current.eventTime <= staleAfterMillis) {
                return; // an expiry timer of an event that a newer one has replaced
            }
            newFlags = 0;
            newQueues = new String[0];
        }
        boolean changed = oldFlags != newFlags || !Arrays.equals(oldQueues, newQueues);
        boolean touchesQueues = oldQueues.length > 0 || newQueues.length > 0 || !seenIds.isEmpty();
        if ((changed || !seenIds.isEmpty()) && touchesQueues) {
            AgentDelta delta = new AgentDelta();
            AgentEvent source = event != null ? event : applied.value();
            delta.instanceId = source.instanceId;
            delta.boundary = boundary;
            delta.eventTime = source.eventTime;
            delta.oldFlags = oldFlags;
            delta.oldQueueIds = oldQueues;
            delta.newFlags = newFlags;
            delta.newQueueIds = newQueues;
            delta.seenQueueIds = seenIds.toArray(new String[0]);
            delta.seenQueueNames = seenNames.toArray(new String[0]);
            out.collect(delta);
        }
        sentFlags.update(newFlags);
        sentQueues.update(newQueues);
        forgetOldEventIds(boundary);
        if (newFlags == 0 && pending.isEmpty()) {
            AgentEvent current = applied.value();
            if (current == null || boundary - current.eventTime > staleAfterMillis) {
                clearAll(); // nothing counted, nothing waiting: the agent costs no state
            }
        }
    }

    /** Duplicates come close to the original; an id older than stale_after cannot matter any more. */
    private void forgetOldEventIds(long boundary) throws Exception {
        Iterator<Map.Entry<String, Long>> entries = seenEventIds.iterator();
        while (entries.hasNext()) {
            if (boundary - entries.next().getValue() > staleAfterMillis + stepMillis) {
                entries.remove();
            }
        }
    }

    private void clearAll() {
        pending.clear();
        applied.clear();
        sentFlags.clear();
        sentQueues.clear();
        announced.clear();
        seenEventIds.clear();
    }
}
