package io.github.connectmonitor.metrics;

/**
 * One step of a contact's life for the live queue (a Flink POJO): a contact event, or the end a CTR
 * reports. {@link #rank} orders steps of the same time: the later step of a contact's life wins.
 */
public class ContactStep {
    public static final int INITIATED = 0;
    public static final int QUEUED = 1;
    public static final int CONNECTED_TO_AGENT = 2;
    public static final int DISCONNECTED = 3;
    public static final int COMPLETED = 4;

    public String instanceId;
    public String contactId;
    /** The envelope's id (copies of one event share it), or "ctr" for the end a CTR reports. */
    public String eventId;
    public int rank;
    /** The step's own time (the enqueue time of a QUEUED event). */
    public long stepTime;
    /** A standard queue (null for none or an agent's own queue); channel upper-cased. */
    public String queueId;
    public String channel;
    /** For the end a CTR reports: its LastUpdateTimestamp (the newest copy's end counts). */
    public long copyVersion;

    public ContactStep() {}

    /** The rank of a contact event type that moves the contact, or -1 for one that does not (e.g. CONTACT_DATA_UPDATED). */
    public static int rankOf(String eventType) {
        switch (eventType) {
            case "INITIATED":
                return INITIATED;
            case "QUEUED":
                return QUEUED;
            case "CONNECTED_TO_AGENT":
                return CONNECTED_TO_AGENT;
            case "DISCONNECTED":
                return DISCONNECTED;
            case "COMPLETED":
                return COMPLETED;
            default:
                return -1;
        }
    }

    public String contactKey() {
        return instanceId + "/" + contactId;
    }

    /** Waiting in a queue after this step: a QUEUED event for a standard queue. */
    boolean waiting() {
        return rank == QUEUED && queueId != null;
    }

    /** Which of two steps is the contact's state (the later one): time, then rank, then event id. */
    boolean after(ContactStep other) {
        if (stepTime != other.stepTime) {
            return stepTime > other.stepTime;
        }
        if (rank != other.rank) {
            return rank > other.rank;
        }
        return eventId.compareTo(other.eventId) > 0;
    }

    @Override
    public String toString() {
        return "ContactStep{" + contactKey() + " " + eventId + " rank=" + rank + " @" + stepTime + " " + queueId + "}";
    }
}
