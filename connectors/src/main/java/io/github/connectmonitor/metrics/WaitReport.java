package io.github.connectmonitor.metrics;

/**
 * What the live-queue stage per instance learns (a Flink POJO, one type for its three inputs):
 * a contact starts or stops waiting in a queue from a boundary on, a queue becomes known from a
 * boundary on, or a queue's name is reported.
 */
public class WaitReport {
    public static final int START = 0;
    public static final int STOP = 1;
    public static final int KNOWN = 2;
    public static final int NAME = 3;

    public int kind;
    public String instanceId;
    public String queueId;
    /** Upper-cased; null for a NAME report (names are per queue). */
    public String channel;
    public String contactId;
    public long boundary;
    public long enqueueTime;
    public String name;
    public long nameTime;

    public WaitReport() {}

    static WaitReport of(int kind, String instanceId, String queueId, String channel, long boundary) {
        WaitReport report = new WaitReport();
        report.kind = kind;
        report.instanceId = instanceId;
        report.queueId = queueId;
        report.channel = channel;
        report.boundary = boundary;
        return report;
    }

    static WaitReport name(String instanceId, String queueId, String name, long nameTime) {
        WaitReport report = of(NAME, instanceId, queueId, null, Long.MIN_VALUE);
        report.name = name;
        report.nameTime = nameTime;
        return report;
    }

    /** A queue and channel as one state key (never parsed: ids and channels may hold any character). */
    String queueKey() {
        return queueId + "\u0000" + channel;
    }

    @Override
    public String toString() {
        return "WaitReport{" + kind + " " + instanceId + " " + queueKey() + " " + contactId + " T=" + boundary + "}";
    }
}
