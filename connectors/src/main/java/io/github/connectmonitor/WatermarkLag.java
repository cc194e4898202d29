package io.github.connectmonitor;

import org.apache.flink.metrics.Gauge;
import org.apache.flink.metrics.MetricGroup;

/**
 * The gauge {@code watermarkLagMillis}: wall clock minus the operator's current event-time watermark, as the
 * operator last saw it (0 before the first watermark). Flink reports the watermark itself
 * ({@code currentInputWatermark}); the lag is what a dashboard alarms on.
 */
public final class WatermarkLag {

    private volatile long watermark = Long.MIN_VALUE;

    private WatermarkLag() {}

    public static WatermarkLag register(MetricGroup operatorGroup) {
        WatermarkLag lag = new WatermarkLag();
        operatorGroup.addGroup(ManagedFlinkMetrics.GROUP).gauge("watermarkLagMillis", (Gauge<Long>) () -> {
            long current = lag.watermark;
            return current == Long.MIN_VALUE || current == Long.MAX_VALUE ? 0L : System.currentTimeMillis() - current;
        });
        return lag;
    }

    public void seen(long currentWatermark) {
        watermark = currentWatermark;
    }
}
