package io.github.connectmonitor;

import org.apache.flink.metrics.Gauge;
import org.apache.flink.metrics.MetricGroup;
import org.apache.flink.runtime.metrics.DescriptiveStatisticsHistogram;

/**
 * A distribution the job measures — a stage's latency in milliseconds, or a batch's fill — as a histogram of the last
 * {@link #WINDOW} samples and, because a histogram is not every reporter's (CloudWatch takes gauges
 * best), gauges of its p50, p99 and last value: {@code <name>P50}, {@code <name>P99}, {@code <name>Last}.
 * Registered under {@link ManagedFlinkMetrics#GROUP}, so Managed Flink publishes them.
 */
public final class Distribution {

    public static final int WINDOW = 1000;

    private final DescriptiveStatisticsHistogram histogram = new DescriptiveStatisticsHistogram(WINDOW);
    private volatile long last;

    private Distribution() {}

    public static Distribution register(MetricGroup operatorGroup, String name) {
        Distribution metric = new Distribution();
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
    }

    private long quantile(double q) {
        return histogram.getCount() == 0 ? 0 : Math.round(histogram.getStatistics().getQuantile(q));
    }
}
