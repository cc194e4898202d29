package io.github.connectmonitor.metrics;

/** Per-queue state of the instance stage: the latest name and the seven agent counts. */
public class QueueCounts {
    public String name = "";
    public long nameTime = Long.MIN_VALUE;
    public long[] counts = new long[AgentStateRules.MEASURES.length];

    public QueueCounts() {}

    void add(int flags, int sign) {
        for (int i = 0; i < counts.length; i++) {
            if ((flags & (1 << i)) != 0) {
                counts[i] += sign;
            }
        }
    }

    boolean isZero() {
        for (long c : counts) {
            if (c != 0) {
                return false;
            }
        }
        return true;
    }
}
