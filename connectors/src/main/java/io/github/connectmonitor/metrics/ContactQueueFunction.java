package io.github.connectmonitor.metrics;

import io.github.connectmonitor.ManagedFlinkMetrics;
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

/**
 * Stage A of {@code queue_contacts_waiting}, keyed by contact: from the contact's events (and the end its
 * CTR reports), which queue it waits in at each snapshot boundary, sent downstream as a change
 * ({@link WaitReport#START}/{@link WaitReport#STOP}) at the boundary it takes effect.
 *
 * <p>The contact's state at boundary T is its latest step before T (by step time, then the later step of
 * a contact's life, {@link ContactStep#after}); it waits in Q when that step is a QUEUED for Q. Copies of
 * an event (same envelope id) count once. The watermark follows agent events: a step that arrives after
 * the boundary it belongs to has been written applies from the next boundary not yet written, and is
 * counted ({@code contactEventsLate}), never dropped. Every QUEUED makes its queue known from the boundary
 * after it ({@link WaitReport#KNOWN}), so a queue has rows even if its contacts never waited at a
 * boundary. State: the contact's steps, until the watermark passes its newest step plus
 * {@code queue.max_wait} (after which no step of it can make it wait).
 */
public class ContactQueueFunction extends KeyedProcessFunction<String, ContactStep, WaitReport> {

    private static final long serialVersionUID = 1L;

    private final long stepMillis;
    private final long maxWaitMillis;

    private transient MapState<String, ContactStep> steps;
    private transient ValueState<ContactStep> sent;
    private transient ValueState<Long> newestStep;
    private transient Counter duplicates;
    private transient Counter late;

    public ContactQueueFunction(long stepMillis, long maxWaitMillis) {
        this.stepMillis = stepMillis;
        this.maxWaitMillis = maxWaitMillis;
    }

    @Override
    public void open(Configuration parameters) {
        TypeInformation<ContactStep> stepType = TypeInformation.of(ContactStep.class);
        steps = getRuntimeContext().getMapState(new MapStateDescriptor<>("steps", Types.STRING, stepType));
        sent = getRuntimeContext().getState(new ValueStateDescriptor<>("sent", stepType));
        newestStep = getRuntimeContext().getState(new ValueStateDescriptor<>("newest-step", Types.LONG));
        org.apache.flink.metrics.MetricGroup metrics = getRuntimeContext().getMetricGroup().addGroup(ManagedFlinkMetrics.GROUP);
        duplicates = metrics.counter("contactEventDuplicates");
        late = metrics.counter("contactEventsLate");
    }

    @Override
    public void processElement(ContactStep step, Context ctx, Collector<WaitReport> out) throws Exception {
        ContactStep known = steps.get(step.eventId);
        if (known != null && (known.copyVersion >= step.copyVersion)) {
            duplicates.inc();
            return;
        }
        steps.put(step.eventId, step);
        long watermark = ctx.timerService().currentWatermark();
        long boundary = AgentStateRules.firstBoundaryAfter(step.stepTime, stepMillis);
        long nextOpen = AgentStateRules.firstBoundaryAfter(watermark + 1, stepMillis);
        if (boundary < nextOpen) {
            late.inc();
            boundary = nextOpen;
        }
        if (step.waiting()) {
            out.collect(WaitReport.of(WaitReport.KNOWN, step.instanceId, step.queueId, step.channel, boundary));
        }
        ctx.timerService().registerEventTimeTimer(boundary - 1);
        Long newest = newestStep.value();
        if (newest == null || step.stepTime > newest) {
            newestStep.update(step.stepTime);
            ctx.timerService().registerEventTimeTimer(cleanupBoundary(step.stepTime) - 1);
        }
    }

    private long cleanupBoundary(long newestStepTime) {
        return AgentStateRules.firstBoundaryAfter(newestStepTime + maxWaitMillis, stepMillis) + stepMillis;
    }

    @Override
    public void onTimer(long timestamp, OnTimerContext ctx, Collector<WaitReport> out) throws Exception {
        long boundary = timestamp + 1;
        ContactStep state = null;
        for (ContactStep step : steps.values()) {
            if (step.stepTime < boundary && (state == null || step.after(state))) {
                state = step;
            }
        }
        ContactStep waitingFor = state != null && state.waiting() ? state : null;
        ContactStep previous = sent.value();
        if (!sameWait(previous, waitingFor)) {
            if (previous != null) {
                out.collect(report(WaitReport.STOP, previous, boundary));
            }
            if (waitingFor != null) {
                WaitReport start = report(WaitReport.START, waitingFor, boundary);
                start.enqueueTime = waitingFor.stepTime;
                out.collect(start);
            }
            sent.update(waitingFor);
        }
        Long newest = newestStep.value();
        if (newest != null && boundary >= cleanupBoundary(newest)) {
            steps.clear(); // any wait it had has expired downstream (queue.max_wait)
            sent.clear();
            newestStep.clear();
        }
    }

    private static boolean sameWait(ContactStep a, ContactStep b) {
        if (a == null || b == null) {
            return a == b;
        }
        return a.stepTime == b.stepTime && a.queueId.equals(b.queueId) && a.channel.equals(b.channel);
    }

    private static WaitReport report(int kind, ContactStep step, long boundary) {
        WaitReport report = WaitReport.of(kind, step.instanceId, step.queueId, step.channel, boundary);
        report.contactId = step.contactId;
        return report;
    }
}
