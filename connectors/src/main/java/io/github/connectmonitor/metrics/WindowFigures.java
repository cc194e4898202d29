package io.github.connectmonitor.metrics;

import java.util.ArrayList;
import java.util.List;

/**
 * The figures of one contact window (docs/METRICS.md, {@code queue_contact_metrics}), as a pure
 * function of the window's contacts (all of them queued), or of their values per {@link Population}. Rates and times are null where their
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
        return compute(Population.sortedValues(contacts), thresholdsSeconds);
    }

    /**
     * The same from each {@link Population}'s values, sorted ascending (indexed by ordinal): a window's
     * figures depend on its contacts' values only, so a window need not keep its contacts.
     */
    public static Object[] compute(double[][] sorted, int[] thresholdsSeconds) {
        double[] waits = sorted[Population.QUEUE_WAIT.ordinal()];
        double[] handle = sorted[Population.HANDLE.ordinal()];
        double[] answeredWait = sorted[Population.ANSWERED_WAIT.ordinal()];
        long queued = waits.length;
        long handled = handle.length;
        long abandoned = sorted[Population.ABANDON_WAIT.ordinal()].length;
        List<Object> values = new ArrayList<>();
        values.add(queued);
        values.add(handled);
        values.add(abandoned);
        values.add(queued == 0 ? null : (double) abandoned / queued);
        for (int threshold : thresholdsSeconds) {
            long within = 0;
            for (double wait : waits) {
                if (wait <= threshold) {
                    within++;
                }
            }
            values.add(queued == 0 ? null : (double) within / queued);
        }
        values.add(mean(handle));
        for (double p : new double[] {0.5, 0.9, 0.95, 0.99}) {
            values.add(handled == 0 ? null : percentileCont(handle, p));
        }
        values.add(mean(answeredWait));
        values.add(handled == 0 ? null : percentileCont(answeredWait, 0.9));
        values.add(mean(sorted[Population.ABANDON_WAIT.ordinal()]));
        values.add(queued == 0 ? null : waits[waits.length - 1]);
        values.add(mean(sorted[Population.HOLD.ordinal()]));
        values.add(mean(sorted[Population.AFTER_CONTACT_WORK.ordinal()]));
        return values.toArray();
    }

    /** Linear interpolation between the closest ranks, as SQL's PERCENTILE_CONT. */
    public static double percentileCont(double[] sortedValues, double fraction) {
        double position = fraction * (sortedValues.length - 1);
        int lower = (int) Math.floor(position);
        int upper = Math.min(lower + 1, sortedValues.length - 1);
        return sortedValues[lower] + (position - lower) * (sortedValues[upper] - sortedValues[lower]);
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
