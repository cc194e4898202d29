package io.github.connectmonitor;

/** Where the project's custom metrics go so that Managed Service for Apache Flink reports them. */
public final class ManagedFlinkMetrics {

    /**
     * Managed Flink publishes a custom metric to CloudWatch only when it is registered under a
     * metric group with this name (Managed Flink developer guide, "Use custom metrics"); locally the
     * group is just part of the metric's scope.
     */
    public static final String GROUP = "kinesisanalytics";

    private ManagedFlinkMetrics() {}
}
