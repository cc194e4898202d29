package io.github.connectmonitor.eventtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.concurrent.atomic.AtomicLong;
import org.apache.flink.util.InstantiationUtil;
import org.junit.jupiter.api.Test;

class AgentEventTimeAssignerTest {

    private static final String AGENT_EVENT =
            "{\"EventType\":\"HEART_BEAT\",\"Nested\":{\"EventTimestamp\":\"1999-01-01T00:00:00Z\"},"
                    + "\"EventTimestamp\":\"2026-01-05T09:00:01.500Z\"}";
    private static final String CTR =
            "{\"ContactId\":\"c\",\"DisconnectTimestamp\":\"2026-01-05T08:00:00Z\"}";

    @Test
    void agentEventsAreTimedByTheirTopLevelEventTimestamp() {
        assertThat(AgentEventTimeAssigner.agentEventTimestamp(AGENT_EVENT)).isEqualTo(1767603601500L);
    }

    @Test
    void recordsWithoutAnAgentEventTimeGetTheNewestTimeSeenAndDoNotMoveTheWatermark() {
        AgentEventTimeAssigner assigner = new AgentEventTimeAssigner(5_000);
        assertThat(assigner.getCurrentWatermark().getTimestamp()).isEqualTo(Long.MIN_VALUE);
        assertThat(assigner.extractTimestamp("not json", -1)).isZero();
        assertThat(assigner.extractTimestamp(AGENT_EVENT, -1)).isEqualTo(1767603601500L);
        assertThat(assigner.extractTimestamp(CTR, -1)).isEqualTo(1767603601500L);
        assertThat(assigner.extractTimestamp("{\"EventTimestamp\":\"yesterday\"}", -1)).isEqualTo(1767603601500L);
        assertThat(assigner.getCurrentWatermark().getTimestamp()).isEqualTo(1767603601500L - 5_000);
    }

    @Test
    void theWatermarkFollowsTheNewestEventNotTheLatestArrival() {
        AgentEventTimeAssigner assigner = new AgentEventTimeAssigner(0);
        assigner.extractTimestamp("{\"EventTimestamp\":\"2026-01-05T09:00:10Z\"}", -1);
        assigner.extractTimestamp("{\"EventTimestamp\":\"2026-01-05T09:00:05Z\"}", -1);
        assertThat(assigner.getCurrentWatermark().getTimestamp()).isEqualTo(1767603610000L);
    }

    @Test
    void eventsFromAClockFarAheadDoNotMoveTheWatermark() {
        String farFuture = "{\"EventTimestamp\":\"2099-12-31T00:00:00Z\"}";
        long now = 1767603601500L;
        assertThat(AgentEventTimeAssigner.agentEventTimestamp(farFuture, now)).isEqualTo(Long.MIN_VALUE);
        assertThat(AgentEventTimeAssigner.agentEventTimestamp(AGENT_EVENT, now)).isEqualTo(now);
        AgentEventTimeAssigner assigner = new AgentEventTimeAssigner(0);
        assigner.extractTimestamp(AGENT_EVENT, -1);
        assigner.extractTimestamp(farFuture, -1);
        assertThat(assigner.getCurrentWatermark().getTimestamp()).isEqualTo(1767603601500L);
    }

    @Test
    void aShardWithoutAgentEventsForTheIdleTimeHasNoSayUntilItsNextAgentEvent() {
        long[] now = {1767603600000L}; // the wall clock near the events (far-future events are refused)
        AgentEventTimeAssigner assigner = new AgentEventTimeAssigner(5_000, 60_000, () -> now[0]);
        assigner.extractTimestamp(CTR, -1); // CTRs and contact events reach every shard
        assertThat(assigner.getCurrentWatermark().getTimestamp()).isEqualTo(Long.MIN_VALUE); // holds back at first
        now[0] += 60_001;
        assigner.extractTimestamp(CTR, -1);
        assertThat(assigner.getCurrentWatermark()).isNull(); // still no agent event: left out of the minimum
        assigner.extractTimestamp(AGENT_EVENT, -1);
        assertThat(assigner.getCurrentWatermark().getTimestamp()).isEqualTo(1767603601500L - 5_000);
        now[0] += 30_000; // a heartbeat gap shorter than the idle time keeps its say
        assertThat(assigner.getCurrentWatermark()).isNotNull();
    }

    /** Clones copy what their clock captures: a settable clock must be static. */
    private static final AtomicLong NOW = new AtomicLong(1767603600000L);

    private static long now() {
        return NOW.get();
    }

    private static AgentEventTimeAssigner cloneOf(AgentEventTimeAssigner template) throws Exception {
        return InstantiationUtil.clone(template);
    }

    @Test
    void aShardNotReadYetHoldsTheWatermarkOfTheShardsReadBeforeIt() throws Exception {
        AgentEventTimeAssigner template = new AgentEventTimeAssigner(5_000, 60_000, AgentEventTimeAssignerTest::now);
        AgentEventTimeAssigner first = cloneOf(template);
        AgentEventTimeAssigner second = cloneOf(template); // as the consumer does, one per shard
        first.extractTimestamp(AGENT_EVENT, -1);
        assertThat(first.getCurrentWatermark().getTimestamp()).isEqualTo(Long.MIN_VALUE);
        second.extractTimestamp(CTR, -1); // any record counts as read
        assertThat(first.getCurrentWatermark().getTimestamp()).isEqualTo(1767603601500L - 5_000);
        AgentEventTimeAssigner child = cloneOf(template); // a new shard after a reshard joins and holds again
        assertThat(first.getCurrentWatermark().getTimestamp()).isEqualTo(Long.MIN_VALUE);
        child.extractTimestamp(AGENT_EVENT, -1);
        assertThat(first.getCurrentWatermark().getTimestamp()).isEqualTo(1767603601500L - 5_000);
    }

    @Test
    void aShardThatStaysUnreadHoldsForTheIdleTimeOnly() throws Exception {
        AgentEventTimeAssigner template = new AgentEventTimeAssigner(0, 60_000, AgentEventTimeAssignerTest::now);
        AgentEventTimeAssigner read = cloneOf(template);
        cloneOf(template); // a shard with no records at all
        read.extractTimestamp(AGENT_EVENT, -1);
        assertThat(read.getCurrentWatermark().getTimestamp()).isEqualTo(Long.MIN_VALUE);
        NOW.addAndGet(60_001);
        read.extractTimestamp(AGENT_EVENT, -1);
        assertThat(read.getCurrentWatermark().getTimestamp()).isEqualTo(1767603601500L);
    }

    @Test
    void clonesOfAnotherInstanceAndAssignersBuiltDirectlyAreNotHeld() throws Exception {
        AgentEventTimeAssigner mine = cloneOf(new AgentEventTimeAssigner(0, 60_000, AgentEventTimeAssignerTest::now));
        cloneOf(new AgentEventTimeAssigner(0, 60_000, AgentEventTimeAssignerTest::now)); // another subtask's (or attempt's) unread shard
        mine.extractTimestamp(AGENT_EVENT, -1);
        assertThat(mine.getCurrentWatermark().getTimestamp()).isEqualTo(1767603601500L);
        AgentEventTimeAssigner direct = new AgentEventTimeAssigner(0, 60_000, AgentEventTimeAssignerTest::now);
        direct.extractTimestamp(AGENT_EVENT, -1);
        assertThat(direct.getCurrentWatermark().getTimestamp()).isEqualTo(1767603601500L);
    }

    @Test
    void negativeOutOfOrdernessIsRefused() {
        assertThatThrownBy(() -> new AgentEventTimeAssigner(-1)).hasMessageContaining("outOfOrdernessMillis");
    }
}
