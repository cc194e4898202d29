package io.github.connectmonitor.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import org.apache.flink.api.common.ExecutionConfig;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.api.operators.KeyedProcessOperator;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.apache.flink.types.Row;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;

/** Stage A (per agent) and stage B (per instance) of agent_state_by_queue, in Flink's operator harness. */
class AgentStateOperatorsTest {

    private static final long STEP = 10_000;
    private static final long STALE = 30_000;
    private static final int AVAILABLE = AgentStateRules.flags("LOGIN", "ROUTABLE", false, false, false, false);
    private static final int BREAK = AgentStateRules.flags("STATE_CHANGE", "CUSTOM", false, false, false, false);

    static AgentEvent event(String agent, String id, long time, int flags, String... queues) {
        String[] names = new String[queues.length];
        for (int i = 0; i < queues.length; i++) {
            names[i] = queues[i].toUpperCase();
        }
        return new AgentEvent("inst", agent, id, time, flags, queues, names);
    }

    static KeyedOneInputStreamOperatorTestHarness<String, AgentEvent, AgentDelta> perAgent() throws Exception {
        var harness = new KeyedOneInputStreamOperatorTestHarness<>(
                new KeyedProcessOperator<>(new AgentStateFunction(STEP, STALE)), AgentEvent::agentKey, Types.STRING);
        harness.open();
        return harness;
    }

    static KeyedOneInputStreamOperatorTestHarness<String, AgentDelta, Row> perInstance() throws Exception {
        var harness = new KeyedOneInputStreamOperatorTestHarness<>(
                new KeyedProcessOperator<>(new QueueSnapshotFunction(STEP)), (AgentDelta d) -> d.instanceId, Types.STRING);
        harness.setup(QueueSnapshotFunction.ROW_TYPE.createSerializer(new ExecutionConfig()));
        harness.open();
        return harness;
    }

    @Test
    void onlyTheLatestEventBeforeABoundaryCountsAndDuplicatesOnce() throws Exception {
        var harness = perAgent();
        harness.processElement(event("a", "e1", 1_000, AVAILABLE, "q1"), 1_000);
        harness.processElement(event("a", "e2", 4_000, BREAK, "q1"), 4_000);
        harness.processElement(event("a", "e1", 1_000, AVAILABLE, "q1"), 1_000); // duplicate
        harness.processWatermark(9_999);
        List<AgentDelta> deltas = harness.extractOutputValues();
        assertThat(deltas).hasSize(1);
        assertThat(deltas.get(0).boundary).isEqualTo(10_000);
        assertThat(deltas.get(0).newFlags).isEqualTo(BREAK);
        assertThat(deltas.get(0).seenQueueIds).containsExactly("q1");
    }

    @Test
    void aHeartbeatThatChangesNothingSendsNothingButKeepsTheAgentFresh() throws Exception {
        var harness = perAgent();
        harness.processElement(event("a", "e1", 1_000, AVAILABLE, "q1"), 1_000);
        harness.processElement(event("a", "e2", 25_000, AVAILABLE, "q1"), 25_000);
        harness.processWatermark(39_999); // e1 alone would be stale at 40 s
        assertThat(harness.extractOutputValues()).hasSize(1);
        harness.processWatermark(59_999); // e2 at 25 s is stale at 60 s (60 - 25 > 30)
        List<AgentDelta> deltas = harness.extractOutputValues();
        assertThat(deltas).hasSize(2);
        assertThat(deltas.get(1).boundary).isEqualTo(60_000);
        assertThat(deltas.get(1).oldFlags).isEqualTo(AVAILABLE);
        assertThat(deltas.get(1).newFlags).isZero();
    }

    @Test
    void anEventWhoseBoundaryIsFinalIsADeadLetter() throws Exception {
        var harness = perAgent();
        harness.processWatermark(20_000);
        harness.processElement(event("a", "late", 19_000, AVAILABLE, "q1"), 19_000); // boundary 20 s is out
        harness.processElement(event("a", "ok", 20_500, AVAILABLE, "q1"), 20_500); // boundary 30 s is not
        harness.processWatermark(29_999);
        assertThat(harness.extractOutputValues()).hasSize(1);
        assertThat(harness.getSideOutput(DeadLetters.TAG)).hasSize(1);
        assertThat(harness.getSideOutput(DeadLetters.TAG).peek().getValue().getField(0)).isEqualTo("too_late");
    }

    @Test
    void aRoutingProfileChangeMovesTheAgentBetweenQueues() throws Exception {
        var harness = perAgent();
        harness.processElement(event("a", "e1", 1_000, AVAILABLE, "q1"), 1_000);
        harness.processElement(event("a", "e2", 12_000, AVAILABLE, "q2"), 12_000);
        harness.processWatermark(19_999);
        AgentDelta move = harness.extractOutputValues().get(1);
        assertThat(move.oldQueueIds).containsExactly("q1");
        assertThat(move.newQueueIds).containsExactly("q2");
        assertThat(move.seenQueueIds).containsExactly("q2");
    }

    @Test
    void everyKnownQueueGetsARowAtEveryBoundaryZerosIncluded() throws Exception {
        var agents = perAgent();
        agents.processElement(event("a", "e1", 1_000, AVAILABLE, "q1"), 1_000);
        agents.processElement(event("a", "e2", 12_000, AVAILABLE, "q2"), 12_000);
        agents.processWatermark(Long.MAX_VALUE);
        var instance = perInstance();
        for (AgentDelta delta : agents.extractOutputValues()) {
            instance.processElement(delta, delta.boundary - 1);
        }
        instance.processWatermark(29_999);
        assertThat(rows(instance)).containsExactly(
                "10000 q1 1", "20000 q1 0", "20000 q2 1", "30000 q1 0", "30000 q2 1");
        // No event, watermark moves: rows keep coming; the agent goes stale after 12 s + 30 s.
        instance.processWatermark(49_999);
        assertThat(rows(instance)).endsWith("40000 q1 0", "40000 q2 1", "50000 q1 0", "50000 q2 0");
        // End of input: the chain stops at the first boundary it then reaches with every queue at zero.
        instance.processWatermark(Long.MAX_VALUE);
        assertThat(rows(instance)).hasSize(11).endsWith("60000 q1 0", "60000 q2 0");
    }

    private static List<String> rows(KeyedOneInputStreamOperatorTestHarness<String, AgentDelta, Row> harness) {
        List<String> out = new ArrayList<>();
        for (Row row : harness.extractOutputValues()) {
            java.time.LocalDateTime time = (java.time.LocalDateTime) row.getField(0);
            long millis = time.toInstant(java.time.ZoneOffset.UTC).toEpochMilli();
            out.add(millis + " " + row.getField(2) + " " + row.getField(5));
        }
        return out.stream().collect(Collectors.toList());
    }
}
