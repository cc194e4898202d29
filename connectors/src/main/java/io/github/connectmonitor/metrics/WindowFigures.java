package io.github.connectmonitor.metrics;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The figures of one contact window (docs/METRICS.md, {@code queue_contact_metrics}), as a pure
 * function of the window's contacts. Rates and times are null where their population is empty.
 */
public final class WindowFigures {

    private WindowFigures() {}

    /** Measure names in output order, for the given service-level thresholds. */
    public static List<String> measureNames(int[] thresholdsSeconds) {
        List<String> names = new ArrayList<>(List.of("contacts_queued", "contacts_handled", "contacts_abandoned",
                "abandonment_rate"));
        for (int threshold : thresholdsSeconds) {
            names.add("service_level_" + threshold + "s");
        }
        names.addAll(List.of(
                "handle_time_avg_seconds",
                "handle_time_p50_seconds",
                "handle_time_p90_seconds",
                "handle_time_p95_seconds",
                "handle_time_p99_seconds",
                "queue_wait_avg_seconds",
                "queue_wait_p90_seconds",
                "hold_time_avg_seconds",
                "after_contact_work_avg_seconds"));
        return names;
    }

    /** Number of leading measures that are counts (BIGINT); the rest are DOUBLE. */
    public static final int COUNT_MEASURES = 3;

    /** The values in {@link #measureNames} order: Long for counts, Double (or null) otherwise. */
    public static Object[] compute(Iterable<ContactRecord> contacts, int[] thresholdsSeconds) {
        List<Double> handle = new ArrayList<>();
        List<Double> wait = new ArrayList<>();
        List<Double> hold = new ArrayList<>();
        List<Double> acw = new ArrayList<>();
        long queued = 0;
        long[] withinThreshold = new long[thresholdsSeconds.length];
        for (ContactRecord contact : contacts) {
            queued++;
            for (int i = 0; i < thresholdsSeconds.length; i++) {
                if (contact.queueWaitSeconds <= thresholdsSeconds[i]) {
                    withinThreshold[i]++;
                }
            }
            if (contact.handled) {
                handle.add(contact.handleSeconds);
                wait.add(contact.queueWaitSeconds);
                hold.add(contact.holdSeconds);
                acw.add(contact.afterContactWorkSeconds);
            }
        }
        long handled = handle.size();
        List<Object> values = new ArrayList<>();
        values.add(queued);
        values.add(handled);
        values.add(queued - handled);
        values.add(queued == 0 ? null : (double) (queued - handled) / queued);
        for (long within : withinThreshold) {
            values.add(queued == 0 ? null : (double) within / queued);
        }
        double[] handleSorted = sorted(handle);
        double[] waitSorted = sorted(wait);
        values.add(handled == 0 ? null : sum(handleSorted) / handled);
        for (double p : new double[] {0.5, 0.9, 0.95, 0.99}) {
            values.add(handled == 0 ? null : percentileCont(handleSorted, p));
        }
        values.add(handled == 0 ? null : sum(waitSorted) / handled);
        values.add(handled == 0 ? null : percentileCont(waitSorted, 0.9));
        values.add(handled == 0 ? null : sum(sorted(hold)) / handled);
        values.add(handled == 0 ? null : sum(sorted(acw)) / handled);
        return values.toArray();
    }

    /** Linear interpolation between the closest ranks, as SQL's PERCENTILE_CONT. */
    public static double percentileCont(double[] sortedValues, double fraction) {
        double position = fraction * (sortedValues.length - 1);
        int lower = (int) Math.floor(position);
        int upper = Math.min(lower + 1, sortedValues.length - 1);
        return sortedValues[lower] + (position - lower) * (sortedValues[upper] - sortedValues[lower]);
    }

    private static double[] sorted(List<Double> values) {
        double[] array = values.stream().mapToDouble(Double::doubleValue).toArray();
        Arrays.sort(array);
        return array;
    }

    /** Summed in ascending order, so the result does not depend on arrival order. */
    private static double sum(double[] sortedValues) {
        double total = 0;
        for (double v : sortedValues) {
            total += v;
        }
        return total;
    }
}
