package io.github.connectmonitor;

import static org.assertj.core.api.Assertions.assertThat;

import org.apache.flink.metrics.Gauge;
import org.apache.flink.metrics.Metric;
import org.apache.flink.metrics.MetricGroup;
import org.apache.flink.metrics.groups.UnregisteredMetricsGroup;
import org.junit.jupiter.api.Test;

import java.util.HashMap;
import java.util.Map;

class DistributionTest {

    /** Keeps what is registered, by name, under the group it was registered in. */
    static final class Recording extends UnregisteredMetricsGroup {
        final Map<String, Metric> metrics;
        final String prefix;

        Recording(Map<String, Metric> metrics, String prefix) {
            this.metrics = metrics;
            this.prefix = prefix;
        }

        @Override
        public MetricGroup addGroup(String name) {
            return new Recording(metrics, prefix + name + ".");
        }

        @Override
        public <T, G extends Gauge<T>> G gauge(String name, G gauge) {
            metrics.put(prefix + name, gauge);
            return gauge;
        }
    }

    @Test
    void publishesItsQuantilesAndLastValueAsGaugesManagedFlinkReports() {
        Map<String, Metric> metrics = new HashMap<>();
        Distribution lag = Distribution.register(new Recording(metrics, ""), "snapshotEmitLagMillis");
        for (long v = 1; v <= 100; v++) {
            lag.record(v * 10);
        }
        lag.record(7);
        assertThat(metrics).containsKeys("kinesisanalytics.snapshotEmitLagMillisP50",
                "kinesisanalytics.snapshotEmitLagMillisP99", "kinesisanalytics.snapshotEmitLagMillisLast");
        assertThat(((Gauge<?>) metrics.get("kinesisanalytics.snapshotEmitLagMillisLast")).getValue()).isEqualTo(7L);
        long p50 = (Long) ((Gauge<?>) metrics.get("kinesisanalytics.snapshotEmitLagMillisP50")).getValue();
        long p99 = (Long) ((Gauge<?>) metrics.get("kinesisanalytics.snapshotEmitLagMillisP99")).getValue();
        assertThat(p50).isBetween(490L, 510L);
        assertThat(p99).isBetween(980L, 1000L);
    }

    @Test
    void itsQuantilesCoverTheLastMinuteOnlySoAnOldCatchUpDoesNotLinger() {
        Map<String, Metric> metrics = new HashMap<>();
        long[] now = {1_000_000L};
        Distribution lag = Distribution.register(new Recording(metrics, ""), "snapshotEmitLagMillis", () -> now[0]);
        Gauge<?> p99 = (Gauge<?>) metrics.get("kinesisanalytics.snapshotEmitLagMillisP99");
        lag.record(90_000); // a catch-up after a restart
        now[0] += 30_000;
        for (int i = 0; i < 6; i++) {
            lag.record(6_000);
        }
        assertThat(p99.getValue()).isEqualTo(90_000L);
        now[0] += 30_001; // the catch-up is now more than a minute old
        assertThat(p99.getValue()).isEqualTo(6_000L);
        now[0] += Distribution.WINDOW_MILLIS;
        assertThat(p99.getValue()).isEqualTo(0L);
    }

    @Test
    void aFullWindowKeepsItsNewestSamples() {
        Map<String, Metric> metrics = new HashMap<>();
        Distribution fill = Distribution.register(new Recording(metrics, ""), "recordsPerRequest", () -> 5L);
        for (int i = 0; i < Distribution.MAX_WINDOW_SAMPLES; i++) {
            fill.record(1);
        }
        for (int i = 0; i < Distribution.MAX_WINDOW_SAMPLES; i++) {
            fill.record(100);
        }
        assertThat(((Gauge<?>) metrics.get("kinesisanalytics.recordsPerRequestP50")).getValue()).isEqualTo(100L);
    }

    @Test
    void theWatermarkLagIsZeroBeforeTheFirstWatermarkAndAtTheEndOfInput() {
        Map<String, Metric> metrics = new HashMap<>();
        WatermarkLag lag = WatermarkLag.register(new Recording(metrics, ""));
        Gauge<?> gauge = (Gauge<?>) metrics.get("kinesisanalytics.watermarkLagMillis");
        assertThat(gauge.getValue()).isEqualTo(0L);
        lag.seen(System.currentTimeMillis() - 60_000);
        assertThat((Long) gauge.getValue()).isBetween(60_000L, 70_000L);
        lag.seen(Long.MAX_VALUE);
        assertThat(gauge.getValue()).isEqualTo(0L);
    }
}
