package io.github.connectmonitor.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

import java.util.List;

class WindowFiguresTest {

    static ContactRecord contact(String id, boolean handled, double handle, double wait, double hold, double acw) {
        ContactRecord c = new ContactRecord();
        c.instanceId = "i";
        c.contactId = id;
        c.channel = "VOICE";
        c.queueId = "q";
        c.queueName = "Q";
        c.queued = true;
        c.handled = handled;
        c.abandoned = !handled;
        c.held = hold > 0;
        c.handleSeconds = handle;
        c.queueWaitSeconds = wait;
        c.holdSeconds = hold;
        c.afterContactWorkSeconds = acw;
        return c;
    }

    @Test
    void percentilesInterpolateLinearlyBetweenClosestRanks() {
        double[] values = {10, 20, 30, 40};
        assertThat(WindowFigures.percentileCont(values, 0.5)).isEqualTo(25.0);
        assertThat(WindowFigures.percentileCont(values, 0.9)).isEqualTo(37.0);
        assertThat(WindowFigures.percentileCont(values, 0.0)).isEqualTo(10.0);
        assertThat(WindowFigures.percentileCont(values, 1.0)).isEqualTo(40.0);
        assertThat(WindowFigures.percentileCont(new double[] {7}, 0.99)).isEqualTo(7.0);
    }

    @Test
    void countsRatesServiceLevelsAndTheTimesOfTheirOwnPopulations() {
        ContactRecord callback = contact("d", false, 0, 40, 0, 0);
        callback.abandoned = false; // moved on to a callback: queued, neither handled nor abandoned
        List<ContactRecord> window = List.of(
                contact("a", true, 100, 10, 5, 20),
                contact("b", true, 200, 30, 0, 40), // never on hold: not in the hold average
                contact("c", false, 0, 70, 0, 0),
                callback);
        Object[] figures = WindowFigures.compute(window, new int[] {20, 60});
        assertThat(WindowFigures.measureNames(new int[] {20, 60})).hasSize(figures.length);
        assertThat(figures).containsExactly(
                4L, 2L, 1L, 0.25, 0.25, 0.75, 150.0, 150.0, 190.0, 195.0, 199.0, 20.0, 28.0, 70.0, 70.0, 5.0, 30.0);
    }

    @Test
    void anEmptyOrUnansweredWindowLeavesTheTimesOut() {
        Object[] unanswered = WindowFigures.compute(List.of(contact("c", false, 0, 5, 0, 0)), new int[] {20});
        assertThat(unanswered).containsExactly(
                1L, 0L, 1L, 1.0, 1.0, null, null, null, null, null, null, null, 5.0, 5.0, null, null);
        Object[] empty = WindowFigures.compute(List.of(), new int[] {20});
        assertThat(empty[0]).isEqualTo(0L);
        assertThat(empty[3]).isNull();
    }
}
