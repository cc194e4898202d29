package io.github.connectmonitor.metrics;

import java.util.Arrays;

/**
 * A change of one agent's contribution, effective from snapshot boundary {@link #boundary} on:
 * subtract {@link #oldFlags} from every queue in {@link #oldQueueIds}, add {@link #newFlags} to
 * every queue in {@link #newQueueIds}. {@link #seenQueueIds}/{@link #seenQueueNames} announce
 * queues (and their names) of the agent's routing profile that the instance stage may not know yet.
 */
public class AgentDelta {
    public String instanceId;
    public long boundary;
    public long eventTime;
    public int oldFlags;
    public String[] oldQueueIds = new String[0];
    public int newFlags;
    public String[] newQueueIds = new String[0];
    public String[] seenQueueIds = new String[0];
    public String[] seenQueueNames = new String[0];

    public AgentDelta() {}

    @Override
    public String toString() {
        return "AgentDelta{" + instanceId + " T=" + boundary + " -" + oldFlags + Arrays.toString(oldQueueIds) + " +"
                + newFlags + Arrays.toString(newQueueIds) + " seen=" + Arrays.toString(seenQueueIds) + "}";
    }
}
