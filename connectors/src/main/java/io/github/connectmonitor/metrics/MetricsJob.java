package io.github.connectmonitor.metrics;

import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.java.functions.KeySelector;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;
import org.apache.flink.types.Row;

import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * The metric operators behind the parse step, wired once for the live job and for replay (the
 * PyFlink job calls {@link #build} through py4j, so no Python runs after the parse step):
 *
 * <pre>
 * parsed rows ─▶ ParsedRowRouter ─┬─ agent events ─▶ keyBy agent ─▶ AgentStateFunction ─▶ keyBy instance ─▶ QueueSnapshotFunction ─▶ agent_state_by_queue
 *                                 ├─ CTRs ─▶ keyBy contact ─▶ ContactDedupFunction ─▶ keyBy window ─▶ ContactWindowFunction ─▶ queue_contact_metrics
 *                                 └─ dead letters (+ too_late from the keyed stages) ─▶ dead_letter
 * </pre>
 */
public final class MetricsJob {

    /** The settings {@link #build} takes, all in milliseconds except the thresholds (seconds, comma-separated). */
    public static final Set<String> SETTINGS = new TreeSet<>(List.of(
            "agent_state.interval.ms",
            "agent_state.stale_after.ms",
            "contact.window.ms",
            "contact.allowed_lateness.ms",
            "contact.dedup_ttl.ms",
            "contact.emit_interval.ms",
            "service_level.thresholds.seconds"));

    private final DataStream<Row> agentStateByQueue;
    private final DataStream<Row> queueContactMetrics;
    private final DataStream<Row> deadLetters;

    private MetricsJob(DataStream<Row> agentState, DataStream<Row> contactMetrics, DataStream<Row> deadLetters) {
        this.agentStateByQueue = agentState;
        this.queueContactMetrics = contactMetrics;
        this.deadLetters = deadLetters;
    }

    public DataStream<Row> agentStateByQueue() {
        return agentStateByQueue;
    }

    public DataStream<Row> queueContactMetrics() {
        return queueContactMetrics;
    }

    public DataStream<Row> deadLetters() {
        return deadLetters;
    }

    public static MetricsJob build(DataStream<Row> parsed, List<String> columnNames, Map<String, String> settings) {
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
        int[] thresholds = Arrays.stream(settings.get("service_level.thresholds.seconds").split(","))
                .map(String::trim)
                .filter(s -> !s.isEmpty())
                .mapToInt(Integer::parseInt)
                .toArray();

        SingleOutputStreamOperator<AgentEvent> agentEvents = parsed
                .process(new ParsedRowRouter(columnNames), TypeInformation.of(AgentEvent.class))
                .name("route by kind")
                .uid("route-by-kind");

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

        DataStream<ContactRecord> contacts = agentEvents.getSideOutput(ParsedRowRouter.CONTACTS);
        SingleOutputStreamOperator<ContactChange> changes = contacts
                .keyBy(new ContactKey())
                .process(new ContactDedupFunction(window, lateness, ttl), TypeInformation.of(ContactChange.class))
                .name("contacts: best copy per contact")
                .uid("contacts-dedup");
        SingleOutputStreamOperator<Row> contactMetrics = changes
                .keyBy(new WindowKey())
                .process(new ContactWindowFunction(window, lateness, emitInterval, thresholds),
                        ContactWindowFunction.rowType(thresholds))
                .name("contacts: per queue window")
                .uid("contacts-window");

        DataStream<Row> dead = agentEvents.getSideOutput(DeadLetters.TAG)
                .union(deltas.getSideOutput(DeadLetters.TAG), changes.getSideOutput(DeadLetters.TAG));
        return new MetricsJob(snapshots, contactMetrics, dead);
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
}
