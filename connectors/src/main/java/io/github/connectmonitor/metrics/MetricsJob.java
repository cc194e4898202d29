package io.github.connectmonitor.metrics;

import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.java.functions.KeySelector;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;
import org.apache.flink.types.Row;

import java.util.Arrays;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * The job's operators, wired once for the live job and for replay (the PyFlink job calls {@link #build}
 * through py4j with the raw stream, so no record passes through Python):
 *
 * <pre>
 * raw ─▶ ParseAndRoute ─┬─ agent events ─▶ keyBy agent ─▶ AgentStateFunction ─▶ keyBy instance ─▶ QueueSnapshotFunction ─▶ agent_state_by_queue
 *                       ├─ CTRs ─▶ keyBy contact ─▶ ContactDedupFunction ─┬─▶ keyBy window ─▶ ContactWindowFunction ─▶ queue_contact_metrics
 *                       │                                                 ├─▶ (rolling)     ─▶ ContactWindowFunction ─▶ queue_contact_metrics_rolling
 *                       │                                                 └─▶ (daily)       ─▶ ContactWindowFunction ─▶ queue_contact_metrics_daily
 *                       ├─ contact steps (contact events, CTR ends) ─▶ keyBy contact ─▶ ContactQueueFunction ─┐
 *                       │   queue names (agent-state changes, CTRs) ──────────────────────────────────────────┴▶ keyBy instance ─▶ QueueWaitingFunction ─▶ queue_contacts_waiting
 *                       └─ dead letters (+ too_late from the keyed stages) ─▶ dead_letter
 * </pre>
 */
public final class MetricsJob {

    /** The settings {@link #build} takes: milliseconds, the thresholds (seconds, comma-separated) and a time zone. */
    public static final Set<String> SETTINGS = new TreeSet<>(List.of(
            "agent_state.interval.ms",
            "agent_state.stale_after.ms",
            "contact.window.ms",
            "contact.allowed_lateness.ms",
            "contact.dedup_ttl.ms",
            "contact.emit_interval.ms",
            "contact.rolling.ms",
            "contact.daily.timezone",
            "queue.max_wait.ms",
            "service_level.thresholds.seconds"));

    private final DataStream<Row> agentStateByQueue;
    private final Map<ContactView, DataStream<Row>> contactMetrics;
    private final DataStream<Row> queueContactsWaiting;
    private final DataStream<Row> deadLetters;

    private MetricsJob(DataStream<Row> agentState, Map<ContactView, DataStream<Row>> contactMetrics,
            DataStream<Row> waiting, DataStream<Row> deadLetters) {
        this.agentStateByQueue = agentState;
        this.contactMetrics = contactMetrics;
        this.queueContactsWaiting = waiting;
        this.deadLetters = deadLetters;
    }

    public DataStream<Row> agentStateByQueue() {
        return agentStateByQueue;
    }

    public DataStream<Row> queueContactMetrics() {
        return contactMetrics.get(ContactView.TUMBLING);
    }

    public DataStream<Row> queueContactMetricsRolling() {
        return contactMetrics.get(ContactView.ROLLING);
    }

    public DataStream<Row> queueContactMetricsDaily() {
        return contactMetrics.get(ContactView.DAILY);
    }

    public DataStream<Row> queueContactsWaiting() {
        return queueContactsWaiting;
    }

    public DataStream<Row> deadLetters() {
        return deadLetters;
    }

    public static MetricsJob build(DataStream<String> raw, Map<String, String> settings) {
        if (!SETTINGS.equals(new TreeSet<>(settings.keySet()))) {
            throw new IllegalArgumentException("MetricsJob.build needs exactly the settings " + SETTINGS + ", got "
                    + new TreeSet<>(settings.keySet()));
        }
        long interval = Long.parseLong(settings.get("agent_state.interval.ms"));
        long staleAfter = Long.parseLong(settings.get("agent_state.stale_after.ms"));
        long window = Long.parseLong(settings.get("contact.window.ms"));
        long lateness = Long.parseLong(settings.get("contact.allowed_lateness.ms"));
        long ttl = Long.parseLong(settings.get("contact.dedup_ttl.ms"));
        long emitInterval = Long.parseLong(settings.get("contact.emit_interval.ms"));
        long rolling = Long.parseLong(settings.get("contact.rolling.ms"));
        String zone = settings.get("contact.daily.timezone");
        long maxWait = Long.parseLong(settings.get("queue.max_wait.ms"));
        int[] thresholds = Arrays.stream(settings.get("service_level.thresholds.seconds").split(","))
                .map(String::trim)
                .filter(s -> !s.isEmpty())
                .mapToInt(Integer::parseInt)
                .toArray();

        SingleOutputStreamOperator<AgentEvent> agentEvents = raw
                .process(new ParseAndRoute(), TypeInformation.of(AgentEvent.class))
                .name("parse and route by kind (JVM)")
                .uid("parse-and-route");

        SingleOutputStreamOperator<AgentDelta> deltas = agentEvents
                .keyBy(new AgentKey())
                .process(new AgentStateFunction(interval, staleAfter), TypeInformation.of(AgentDelta.class))
                .name("agent state: per agent")
                .uid("agent-state-per-agent");
        SingleOutputStreamOperator<Row> snapshots = deltas
                .keyBy(new DeltaInstance())
                .process(new QueueSnapshotFunction(interval), QueueSnapshotFunction.ROW_TYPE)
                .name("agent state: per instance")
                .uid("agent-state-per-instance");

        DataStream<ContactRecord> contacts = agentEvents.getSideOutput(ParseAndRoute.CONTACTS);
        SingleOutputStreamOperator<ContactChange> changes = contacts
                .keyBy(new ContactKey())
                .process(new ContactDedupFunction(window, lateness, ttl, rolling, zone),
                        TypeInformation.of(ContactChange.class))
                .name("contacts: best copy per contact")
                .uid("contacts-dedup");
        Map<ContactView, DataStream<Row>> contactMetrics = new EnumMap<>(ContactView.class);
        for (ContactView view : ContactView.values()) {
            String name = view.name().toLowerCase(java.util.Locale.ROOT);
            contactMetrics.put(view, changes
                    .filter(change -> change.view == view)
                    .name("contacts: " + name + " windows")
                    .uid("contacts-" + name + "-filter")
                    .keyBy(new WindowKey())
                    .process(new ContactWindowFunction(view, lateness, emitInterval, thresholds),
                            ContactWindowFunction.rowType(view, thresholds))
                    .name("contacts: per queue " + name + " window")
                    .uid(view == ContactView.TUMBLING ? "contacts-window" : "contacts-" + name + "-window"));
        }

        SingleOutputStreamOperator<WaitReport> waits = agentEvents.getSideOutput(ParseAndRoute.STEPS)
                .keyBy(new StepKey())
                .process(new ContactQueueFunction(interval, maxWait), TypeInformation.of(WaitReport.class))
                .name("live queue: per contact")
                .uid("live-queue-per-contact");
        DataStream<WaitReport> names = deltas
                .flatMap(new QueueNames.FromAgentState(), TypeInformation.of(WaitReport.class))
                .name("live queue: names from agent events")
                .uid("live-queue-names-agents")
                .union(contacts
                        .flatMap(new QueueNames.FromContacts(), TypeInformation.of(WaitReport.class))
                        .name("live queue: names from CTRs")
                        .uid("live-queue-names-ctrs"));
        SingleOutputStreamOperator<Row> waiting = waits.union(names)
                .keyBy(new ReportInstance())
                .process(new QueueWaitingFunction(interval, maxWait), QueueWaitingFunction.ROW_TYPE)
                .name("live queue: per instance")
                .uid("live-queue-per-instance");

        DataStream<Row> dead = agentEvents.getSideOutput(DeadLetters.TAG)
                .union(deltas.getSideOutput(DeadLetters.TAG), changes.getSideOutput(DeadLetters.TAG));
        return new MetricsJob(snapshots, contactMetrics, waiting, dead);
    }

    static final class AgentKey implements KeySelector<AgentEvent, String> {
        private static final long serialVersionUID = 1L;

        @Override
        public String getKey(AgentEvent event) {
            return event.agentKey();
        }
    }

    static final class DeltaInstance implements KeySelector<AgentDelta, String> {
        private static final long serialVersionUID = 1L;

        @Override
        public String getKey(AgentDelta delta) {
            return delta.instanceId;
        }
    }

    static final class ContactKey implements KeySelector<ContactRecord, String> {
        private static final long serialVersionUID = 1L;

        @Override
        public String getKey(ContactRecord contact) {
            return contact.contactKey();
        }
    }

    static final class WindowKey implements KeySelector<ContactChange, String> {
        private static final long serialVersionUID = 1L;

        @Override
        public String getKey(ContactChange change) {
            return change.windowKey();
        }
    }

    static final class StepKey implements KeySelector<ContactStep, String> {
        private static final long serialVersionUID = 1L;

        @Override
        public String getKey(ContactStep step) {
            return step.contactKey();
        }
    }

    static final class ReportInstance implements KeySelector<WaitReport, String> {
        private static final long serialVersionUID = 1L;

        @Override
        public String getKey(WaitReport report) {
            return report.instanceId;
        }
    }
}
