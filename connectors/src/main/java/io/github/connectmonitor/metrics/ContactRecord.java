package io.github.connectmonitor.metrics;

/**
 * What the contact metrics need of one CTR (a Flink POJO). {@link #queueId} is the CTR's queue, also for
 * an outbound call (its outbound queue); only a {@link #queued} contact (with an enqueue time) counts in
 * the queue's figures. Durations are seconds, a missing one is 0.
 */
public class ContactRecord {
    public String instanceId;
    public String contactId;
    public String channel;
    public String queueId;
    public String queueName;
    public long disconnectTime;
    public long lastUpdateTime;
    public boolean queued;
    public boolean handled;
    public boolean abandoned;
    /** The customer was put on hold at least once ({@code Agent.NumberOfHolds} > 0). */
    public boolean held;
    public double handleSeconds;
    public double queueWaitSeconds;
    public double holdSeconds;
    public double afterContactWorkSeconds;

    public ContactRecord() {}

    public String contactKey() {
        return instanceId + "/" + contactId;
    }

    boolean counts() {
        return queued && queueId != null;
    }

    @Override
    public String toString() {
        return "ContactRecord{" + contactKey() + " queue=" + queueId + " " + channel + " disconnect=" + disconnectTime
                + " updated=" + lastUpdateTime + " queued=" + queued + " handled=" + handled + " abandoned=" + abandoned
                + "}";
    }
}
