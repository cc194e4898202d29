package io.github.connectmonitor;

import org.apache.flink.metrics.Gauge;
import org.apache.flink.metrics.MetricGroup;
import org.apache.flink.runtime.metrics.DescriptiveStatisticsHistogram;

import java.util.Arrays;
import java.util.function.LongSupplier;

/**
 * A distribution the job measures — a stage's latency in milliseconds, or a batch's fill — as gauges of its p50
 * and p99 over the last {@link #WINDOW_MILLIS} of wall-clock time and of its last value ({@code <name>P50},
 * {@code <name>P99}, {@code <name>Last}: CloudWatch takes gauges best), and as a Flink histogram of the last
 * {@link #WINDOW} samples for reporters that take histograms. Registered under {@link ManagedFlinkMetrics#GROUP},
 * so Managed Flink publishes them.
 *
 * <p>Why a time window for the gauges: a stage measured once per snapshot (six times a minute for one instance)
 * would otherwise report hours-old samples — a catch-up after a restart would show in its p99 long after it
 * ended. The window keeps at most {@link #MAX_WINDOW_SAMPLES} (the newest), enough for a stage measured per
 * record at thousands of records a second. Gauges of an empty window read 0.
 */
public final class Distribution {

    public static final int WINDOW = 1000;
    public static final long WINDOW_MILLIS = 60_000L;
    static final int MAX_WINDOW_SAMPLES = 8192;

    private final DescriptiveStatisticsHistogram histogram = new DescriptiveStatisticsHistogram(WINDOW);
    private final LongSupplier clock;
    // A ring of the newest samples and when they came, oldest at `head`.
    private final long[] times = new long[MAX_WINDOW_SAMPLES];
    private final long[] values = new long[MAX_WINDOW_SAMPLES];
    private int head;
    private int size;
    private volatile long last;

    private Distribution(LongSupplier clock) {
        this.clock = clock;
    }

    public static Distribution register(MetricGroup operatorGroup, String name) {
        return register(operatorGroup, name, System::currentTimeMillis);
    }

    static Distribution register(MetricGroup operatorGroup, String name, LongSupplier clock) {
        Distribution metric = new Distribution(clock);
        MetricGroup group = operatorGroup.addGroup(ManagedFlinkMetrics.GROUP);
        group.histogram(name, metric.histogram);
        group.gauge(name + "P50", (Gauge<Long>) () -> metric.quantile(0.5));
        group.gauge(name + "P99", (Gauge<Long>) () -> metric.quantile(0.99));
        group.gauge(name + "Last", (Gauge<Long>) () -> metric.last);
        return metric;
    }

    public void record(long value) {
        last = value;
        histogram.update(value);
        long now = clock.getAsLong();
        synchronized (this) {
            if (size == MAX_WINDOW_SAMPLES) {
                head = (head + 1) % MAX_WINDOW_SAMPLES;
                size--;
            }
            int at = (head + size) % MAX_WINDOW_SAMPLES;
            times[at] = now;
            values[at] = value;
            size++;
        }
    }

    /** Nearest-rank quantile of the samples of the last {@link #WINDOW_MILLIS}. */
    synchronized long quantile(double q) {
        long oldest = clock.getAsLong() - WINDOW_MILLIS;
        while (size > 0 && times[head] < oldest) {
            head = (head + 1) % MAX_WINDOW_SAMPLES;
            size--;
        }
        if (size == 0) {
            return 0;
        }
        long[] sorted = new long[size];
        for (int i = 0; i < size; i++) {
            sorted[i] = values[(head + i) % MAX_WINDOW_SAMPLES];
        }
        Arrays.sort(sorted);
        int rank = (int) Math.ceil(q * size);
        return sorted[Math.max(0, Math.min(size - 1, rank - 1))];
    }
}
