package io.github.connectmonitor.metrics;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The figures of one contact window (docs/METRICS.md, {@code queue_contact_metrics}), as a pure
 * function of the window's contacts, all of them queued. Rates and times are null where their
 * population is empty.
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
                "abandon_time_avg_seconds",
                "queue_time_max_seconds",
                "hold_time_avg_seconds",
                "after_contact_work_avg_seconds"));
        return names;
    }

    /** Number of leading measures that are counts (BIGINT); the rest are DOUBLE. */
    public static final int COUNT_MEASURES = 3;

    /** The values in {@link #measureNames} order: Long for counts, Double (or null) otherwise. */
    public static Object[] compute(Iterable<ContactRecord> contacts, int[] thresholdsSeconds) {
        List<Double> handle = new ArrayList<>();
        List<Double> answeredWait = new ArrayList<>();
        List<Double> abandonWait = new ArrayList<>();
        List<Double> hold = new ArrayList<>();
        List<Double> acw = new ArrayList<>();
        long queued = 0;
        double longestWait = Double.NEGATIVE_INFINITY;
        long[] withinThreshold = new long[thresholdsSeconds.length];
        for (ContactRecord contact : contacts) {
            queued++;
            longestWait = Math.max(longestWait, contact.queueWaitSeconds);
            for (int i = 0; i < thresholdsSeconds.length; i++) {
                if (contact.queueWaitSeconds <= thresholdsSeconds[i]) {
                    withinThreshold[i]++;
                }
            }
            if (contact.handled) {
                handle.add(contact.handleSeconds);
                answeredWait.add(contact.queueWaitSeconds);
                acw.add(contact.afterContactWorkSeconds);
                if (contact.held) {
                    hold.add(contact.holdSeconds);
                }
            } else if (contact.abandoned) {
                abandonWait.add(contact.queueWaitSeconds);
            }
        }
        long handled = handle.size();
        long abandoned = abandonWait.size();
        List<Object> values = new ArrayList<>();
        values.add(queued);
        values.add(handled);
        values.add(abandoned);
        values.add(queued == 0 ? null : (double) abandoned / queued);
        for (long within : withinThreshold) {
            values.add(queued == 0 ? null : (double) within / queued);
        }
        double[] handleSorted = sorted(handle);
        double[] waitSorted = sorted(answeredWait);
        values.add(mean(handleSorted));
        for (double p : new double[] {0.5, 0.9, 0.95, 0.99}) {
            values.add(handled == 0 ? null : percentileCont(handleSorted, p));
        }
        values.add(mean(waitSorted));
        values.add(handled == 0 ? null : percentileCont(waitSorted, 0.9));
        values.add(mean(sorted(abandonWait)));
        values.add(queued == 0 ? null : longestWait);
        values.add(mean(sorted(hold)));
        values.add(mean(sorted(acw)));
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

    /** Summed in ascending order, so the result does not depend on arrival order; null when empty. */
    private static Double mean(double[] sortedValues) {
        if (sortedValues.length == 0) {
            return null;
        }
        double total = 0;
        for (double v : sortedValues) {
            total += v;
        }
        return total / sortedValues.length;
    }
}
