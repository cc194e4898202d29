package io.github.connectmonitor.metrics;

/**
 * What the contact metrics need of one CTR (a Flink POJO). {@link #queueId} is null for contacts
 * that never reached a queue; durations are seconds, a missing one is 0.
 */
public class ContactRecord {
    public String instanceId;
    public String contactId;
    public String channel;
    public String queueId;
    public String queueName;
    public long disconnectTime;
    public long lastUpdateTime;
    public boolean handled;
    public double handleSeconds;
    public double queueWaitSeconds;
    public double holdSeconds;
    public double afterContactWorkSeconds;

    public ContactRecord() {}

    public String contactKey() {
        return instanceId + "/" + contactId;
    }

    boolean queued() {
        return queueId != null;
    }

    @Override
    public String toString() {
        return "ContactRecord{" + contactKey() + " queue=" + queueId + " " + channel + " disconnect=" + disconnectTime
                + " updated=" + lastUpdateTime + " handled=" + handled + "}";
    }
}
