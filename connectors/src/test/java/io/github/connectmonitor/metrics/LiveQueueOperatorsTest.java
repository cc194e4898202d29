package io.github.connectmonitor.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import org.apache.flink.api.common.ExecutionConfig;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.api.operators.KeyedProcessOperator;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.apache.flink.types.Row;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.stream.Collectors;

/** Stage A (per contact) and stage B (per instance) of queue_contacts_waiting, in Flink's operator harness. */
class LiveQueueOperatorsTest {

    private static final long STEP = 10_000;
    private static final long MAX_WAIT = 60_000;

    static ContactStep step(String contact, String id, int rank, long time, String queue) {
        ContactStep step = new ContactStep();
        step.instanceId = "inst";
        step.contactId = contact;
        step.eventId = id;
        step.rank = rank;
        step.stepTime = time;
        step.queueId = queue;
        step.channel = "VOICE";
        return step;
    }

    static KeyedOneInputStreamOperatorTestHarness<String, ContactStep, WaitReport> perContact() throws Exception {
        var harness = new KeyedOneInputStreamOperatorTestHarness<>(
                new KeyedProcessOperator<>(new ContactQueueFunction(STEP, MAX_WAIT)), ContactStep::contactKey, Types.STRING);
        harness.open();
        return harness;
    }

    static KeyedOneInputStreamOperatorTestHarness<String, WaitReport, Row> perInstance() throws Exception {
        var harness = new KeyedOneInputStreamOperatorTestHarness<>(
                new KeyedProcessOperator<>(new QueueWaitingFunction(STEP, MAX_WAIT)), (WaitReport r) -> r.instanceId,
                Types.STRING);
        harness.setup(QueueWaitingFunction.ROW_TYPE.createSerializer(new ExecutionConfig()));
        harness.open();
        return harness;
    }

    static List<String> kinds(List<WaitReport> reports) {
        return reports.stream().map(r -> r.kind + "@" + r.boundary).collect(Collectors.toList());
    }

    @Test
    void aContactWaitsFromTheBoundaryAfterItsQueuedEventUntilItLeaves() throws Exception {
        var harness = perContact();
        harness.processElement(step("c", "e1", ContactStep.INITIATED, 1_000, null), 0);
        harness.processElement(step("c", "e2", ContactStep.QUEUED, 3_000, "q"), 0);
        harness.processElement(step("c", "e2", ContactStep.QUEUED, 3_000, "q"), 0); // a duplicate delivery
        harness.processElement(step("c", "e3", ContactStep.CONNECTED_TO_AGENT, 25_000, "q"), 0);
        harness.processWatermark(39_999);
        assertThat(kinds(harness.extractOutputValues())).containsExactly(
                WaitReport.KNOWN + "@10000", WaitReport.START + "@10000", WaitReport.STOP + "@30000");
        assertThat(harness.extractOutputValues().get(1).enqueueTime).isEqualTo(3_000);
    }

    @Test
    void ofTwoStepsAtTheSameTimeTheLaterStepOfAContactsLifeWins() throws Exception {
        var harness = perContact();
        harness.processElement(step("c", "b-disconnect", ContactStep.DISCONNECTED, 3_000, null), 0);
        harness.processElement(step("c", "a-queued", ContactStep.QUEUED, 3_000, "q"), 0); // arrives later
        harness.processWatermark(19_999);
        assertThat(kinds(harness.extractOutputValues())).containsExactly(WaitReport.KNOWN + "@10000");
    }

    @Test
    void aLateStepIsAppliedAtTheNextBoundaryNotDropped() throws Exception {
        var harness = perContact();
        harness.processElement(step("c", "e2", ContactStep.QUEUED, 3_000, "q"), 0);
        harness.processWatermark(19_999); // boundaries 10 s and 20 s are written: waiting
        harness.processElement(step("c", "e3", ContactStep.DISCONNECTED, 12_000, null), 0); // belonged to 20 s
        harness.processWatermark(29_999);
        assertThat(kinds(harness.extractOutputValues())).containsExactly(
                WaitReport.KNOWN + "@10000", WaitReport.START + "@10000", WaitReport.STOP + "@30000");
    }

    @Test
    void theQueueShowsItsWaitingContactsTheOldestAgeAndZeroWhenEmpty() throws Exception {
        var harness = perInstance();
        WaitReport start = WaitReport.of(WaitReport.START, "inst", "q", "VOICE", 10_000);
        start.contactId = "c";
        start.enqueueTime = 3_000;
        WaitReport second = WaitReport.of(WaitReport.START, "inst", "q", "VOICE", 20_000);
        second.contactId = "d";
        second.enqueueTime = 15_000;
        WaitReport stop = WaitReport.of(WaitReport.STOP, "inst", "q", "VOICE", 30_000);
        stop.contactId = "c";
        WaitReport last = WaitReport.of(WaitReport.STOP, "inst", "q", "VOICE", 40_000);
        last.contactId = "d";
        for (WaitReport report : List.of(start, second, stop, last, WaitReport.name("inst", "q", "Sales", 1))) {
            harness.processElement(report, 0);
        }
        harness.processWatermark(49_999);
        List<String> rows = harness.extractOutputValues().stream()
                .map(r -> r.getField(0) + " " + r.getField(3) + " " + r.getField(6) + " " + r.getField(7))
                .collect(Collectors.toList());
        assertThat(rows).containsExactly(
                "1970-01-01T00:00:10 Sales 1 7.0",
                "1970-01-01T00:00:20 Sales 2 17.0",
                "1970-01-01T00:00:30 Sales 1 15.0",
                "1970-01-01T00:00:40 Sales 0 0.0",
                "1970-01-01T00:00:50 Sales 0 0.0");
    }

    @Test
    void aContactWhoseLeavingEventWasLostStopsCountingAfterTheMaximumWait() throws Exception {
        var harness = perInstance();
        WaitReport start = WaitReport.of(WaitReport.START, "inst", "q", "VOICE", 10_000);
        start.contactId = "c";
        start.enqueueTime = 5_000;
        harness.processElement(start, 0);
        harness.processWatermark(79_999);
        List<Object> counts = harness.extractOutputValues().stream().map(r -> r.getField(6)).collect(Collectors.toList());
        // counted while T - 5 s <= 60 s: up to 60 s; at 70 s it has waited 65 s
        assertThat(counts).containsExactly(1L, 1L, 1L, 1L, 1L, 1L, 0L, 0L);
    }

    @Test
    void aQueueIdOrChannelWithAnyCharacterCannotCrashTheJob() throws Exception {
        var harness = perInstance();
        WaitReport start = WaitReport.of(WaitReport.START, "inst", "q|x\u0000y", "VO|CE", 10_000);
        start.contactId = "c|1";
        start.enqueueTime = 5_000;
        harness.processElement(start, 0);
        harness.processWatermark(10_000);
        assertThat(harness.extractOutputValues()).hasSize(1);
        assertThat(harness.extractOutputValues().get(0).getField(2)).isEqualTo("q|x\u0000y");
    }
}
