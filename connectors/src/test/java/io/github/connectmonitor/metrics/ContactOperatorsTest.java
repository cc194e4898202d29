package io.github.connectmonitor.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import org.apache.flink.api.common.ExecutionConfig;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.api.operators.KeyedProcessOperator;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.apache.flink.types.Row;
import org.junit.jupiter.api.Test;

import java.util.List;

/** Stage 1 (best copy per contact) and stage 2 (per queue window) of queue_contact_metrics. */
class ContactOperatorsTest {

    private static final long WINDOW = 60_000;
    private static final long LATENESS = 120_000;
    private static final long TTL = 300_000;
    private static final long EMIT = 5_000;
    private static final long ROLLING = 3 * WINDOW;

    static ContactChange add(ContactRecord contact, ContactView view) {
        return new ContactChange(contact, false, view, view.windows(contact.disconnectTime, WINDOW, ROLLING,
                java.time.ZoneOffset.UTC)[0]);
    }

    static ContactChange add(ContactRecord contact) {
        return add(contact, ContactView.TUMBLING);
    }

    static ContactChange retract(ContactRecord contact) {
        return retract(contact, ContactView.TUMBLING);
    }

    static ContactChange retract(ContactRecord contact, ContactView view) {
        ContactChange change = add(contact, view);
        change.retract = true;
        return change;
    }

    static ContactRecord ctr(String id, long disconnect, long updated, String queue, double acw) {
        ContactRecord c = WindowFiguresTest.contact(id, true, 100 + acw, 10, 0, acw);
        c.queueId = queue;
        c.queued = queue != null;
        c.disconnectTime = disconnect;
        c.lastUpdateTime = updated;
        return c;
    }

    static KeyedOneInputStreamOperatorTestHarness<String, ContactRecord, ContactChange> dedup() throws Exception {
        var harness = new KeyedOneInputStreamOperatorTestHarness<>(
                new KeyedProcessOperator<>(new ContactDedupFunction(WINDOW, LATENESS, TTL, ROLLING, "UTC")),
                ContactRecord::contactKey, Types.STRING);
        harness.open();
        return harness;
    }

    static KeyedOneInputStreamOperatorTestHarness<String, ContactChange, Row> window(ContactView view) throws Exception {
        var harness = new KeyedOneInputStreamOperatorTestHarness<>(
                new KeyedProcessOperator<>(new ContactWindowFunction(view, LATENESS, EMIT, new int[] {20})),
                ContactChange::windowKey, Types.STRING);
        harness.setup(ContactWindowFunction.rowType(view, new int[] {20}).createSerializer(new ExecutionConfig()));
        harness.open();
        return harness;
    }

    static KeyedOneInputStreamOperatorTestHarness<String, ContactChange, Row> window() throws Exception {
        return window(ContactView.TUMBLING);
    }

    @Test
    void theNewestCopyReplacesTheOldOneAndDuplicatesAreDropped() throws Exception {
        var harness = dedup();
        harness.processElement(ctr("c", 10_000, 20_000, "q", 5), 0);
        harness.processElement(ctr("c", 10_000, 20_000, "q", 5), 0); // same LastUpdateTimestamp: duplicate
        harness.processElement(ctr("c", 10_000, 90_000, "q", 50), 0); // correction
        harness.processElement(ctr("c", 10_000, 50_000, "q", 7), 0); // older than the kept copy
        List<ContactChange> changes = tumbling(harness.extractOutputValues());
        assertThat(changes).extracting(c -> c.retract).containsExactly(false, true, false);
        assertThat(changes.get(2).contact.afterContactWorkSeconds).isEqualTo(50.0);
    }

    @Test
    void aCopyForAWindowPastItsAllowedLatenessIsADeadLetter() throws Exception {
        var harness = dedup();
        harness.processWatermark(WINDOW + LATENESS - 1); // the window [0, 60 s) is final
        harness.processElement(ctr("c", 10_000, 20_000, "q", 5), 0);
        harness.processElement(ctr("d", 70_000, 80_000, "q", 5), 0); // the next window is not
        assertThat(tumbling(harness.extractOutputValues())).hasSize(1);
        assertThat(harness.getSideOutput(DeadLetters.TAG)).hasSize(1);
    }

    static List<ContactChange> tumbling(List<ContactChange> changes) {
        return changes.stream().filter(c -> c.view == ContactView.TUMBLING).collect(java.util.stream.Collectors.toList());
    }

    @Test
    void contactsWithoutAQueueOrEnqueueTimeDoNotCount() throws Exception {
        var harness = dedup();
        harness.processElement(ctr("c", 10_000, 20_000, null, 5), 0);
        ContactRecord outbound = ctr("o", 10_000, 20_000, "q-outbound", 5);
        outbound.queued = false; // an outbound call: its outbound queue, no enqueue time
        harness.processElement(outbound, 0);
        assertThat(harness.extractOutputValues()).isEmpty();
    }

    @Test
    void aContactGoesToItsWindowToEveryRollingWindowThatCoversItAndToItsDay() throws Exception {
        var harness = dedup();
        harness.processElement(ctr("c", 86_400_000 + 70_000, 86_400_000 + 80_000, "q", 5), 0);
        List<ContactChange> changes = harness.extractOutputValues();
        assertThat(changes).extracting(c -> c.view + "@" + c.rowTime).containsExactly(
                "TUMBLING@86520000",
                "ROLLING@86520000", "ROLLING@86580000", "ROLLING@86640000",
                "DAILY@86400000");
        assertThat(changes.get(3).windowStart).isEqualTo(86_640_000 - ROLLING);
    }

    @Test
    void theLocalDayFollowsTheTimeZoneAcrossADaylightSavingChange() {
        java.time.ZoneId london = java.time.ZoneId.of("Europe/London");
        // 2026-03-29 is 23 hours long in London; 00:30 local that day is 00:30 UTC (GMT).
        long disconnect = java.time.ZonedDateTime.of(2026, 3, 29, 12, 0, 0, 0, london).toInstant().toEpochMilli();
        ContactView.Window day = ContactView.DAILY.windows(disconnect, WINDOW, ROLLING, london)[0];
        assertThat(day.rowTime).isEqualTo(java.time.Instant.parse("2026-03-29T00:00:00Z").toEpochMilli());
        assertThat(day.end - day.start).isEqualTo(23 * 3_600_000L);
    }

    @Test
    void aRollingWindowIsFirstWrittenWhenTheWatermarkReachesItsEnd() throws Exception {
        var harness = window(ContactView.ROLLING);
        harness.setProcessingTime(0);
        ContactChange change = add(ctr("a", 10_000, 1, "q", 5), ContactView.ROLLING); // the window ending at 60 s
        harness.processElement(change, 0);
        harness.setProcessingTime(3 * EMIT);
        assertThat(harness.extractOutputValues()).isEmpty(); // "the last 3 minutes at 60 s" has not happened yet
        harness.processWatermark(change.rowTime - 1);
        assertThat(harness.extractOutputValues()).hasSize(1);
        harness.processElement(add(ctr("b", 20_000, 1, "q", 5), ContactView.ROLLING), 0); // a late CTR: rewritten
        harness.setProcessingTime(5 * EMIT);
        List<Row> rows = harness.extractOutputValues();
        assertThat(rows).hasSize(2);
        assertThat(rows.get(1).getField(6)).isEqualTo(2L);
    }

    @Test
    void aWindowIsWrittenAtMostOncePerEmitIntervalWithRisingVersionsAndFlushedWhenFinal() throws Exception {
        var harness = window();
        harness.setProcessingTime(0);
        harness.processElement(add(ctr("a", 10_000, 1, "q", 5)), 0);
        harness.processElement(add(ctr("b", 20_000, 1, "q", 5)), 0);
        harness.setProcessingTime(EMIT);
        List<Row> rows = harness.extractOutputValues();
        assertThat(rows).hasSize(1);
        assertThat(rows.get(0).getField(5)).isEqualTo(EMIT); // version: the emission's processing time
        assertThat(rows.get(0).getField(6)).isEqualTo(2L); // contacts_queued
        harness.processElement(retract(ctr("b", 20_000, 1, "q", 5)), 0);
        harness.processElement(add(ctr("b", 20_000, 2, "q", 90)), 0);
        harness.setProcessingTime(EMIT + 1_000); // not yet: one write per interval
        assertThat(harness.extractOutputValues()).hasSize(1);
        harness.processWatermark(WINDOW + LATENESS - 1); // final before the interval is over: flushed
        rows = harness.extractOutputValues();
        assertThat(rows).hasSize(2);
        assertThat(rows.get(1).getField(5)).isEqualTo(EMIT + 1_000); // final flush: its processing time
        assertThat(rows.get(1).getField(0)).isEqualTo(java.time.LocalDateTime.of(1970, 1, 1, 0, 1));
        harness.setProcessingTime(3 * EMIT);
        assertThat(harness.extractOutputValues()).hasSize(2);
        assertThat(harness.numKeyedStateEntries()).isZero();
    }

    @Test
    void versionsKeepRisingWhenTheClockDoesNot() throws Exception {
        var harness = window();
        harness.setProcessingTime(EMIT);
        harness.processElement(add(ctr("a", 10_000, 1, "q", 5)), 0);
        harness.setProcessingTime(2 * EMIT); // written at 2 * EMIT
        harness.processElement(add(ctr("b", 20_000, 1, "q", 5)), 0);
        harness.processWatermark(WINDOW + LATENESS - 1); // final: flushed at the same clock reading
        List<Row> rows = harness.extractOutputValues();
        assertThat(rows).hasSize(2);
        assertThat(rows.get(0).getField(5)).isEqualTo(2 * EMIT);
        assertThat(rows.get(1).getField(5)).isEqualTo(2 * EMIT + 1);
    }

    @Test
    void aWindowKeepsValueCountsNotContactsAndARetractionTakesItsValuesBackExactly() throws Exception {
        var harness = window(ContactView.DAILY);
        harness.setProcessingTime(0);
        for (int i = 0; i < 200; i++) { // 200 contacts, two distinct durations
            harness.processElement(add(ctr("c" + i, 10_000 + i, 1, "q", i % 2 == 0 ? 5 : 7), ContactView.DAILY), 0);
        }
        // one key: a few state entries per distinct value, none per contact
        assertThat(harness.numKeyedStateEntries()).isLessThan(30);
        ContactRecord corrected = ctr("c0", 10_000, 2, "q", 30);
        corrected.queueName = "Renamed";
        harness.processElement(retract(ctr("c0", 10_000, 1, "q", 5), ContactView.DAILY), 0);
        harness.processElement(add(corrected, ContactView.DAILY), 0);
        harness.setProcessingTime(EMIT);
        Row row = harness.extractOutputValues().get(0);
        List<ContactRecord> expected = new java.util.ArrayList<>();
        for (int i = 1; i < 200; i++) {
            expected.add(ctr("c" + i, 10_000 + i, 1, "q", i % 2 == 0 ? 5 : 7));
        }
        expected.add(corrected);
        Object[] figures = WindowFigures.compute(expected, new int[] {20});
        for (int i = 0; i < figures.length; i++) {
            assertThat(row.getField(6 + i)).as(WindowFigures.measureNames(new int[] {20}).get(i)).isEqualTo(figures[i]);
        }
        assertThat(row.getField(3)).isEqualTo("Renamed"); // the newest copy's queue name
    }
}
