package io.github.connectmonitor.metrics;

import java.util.Arrays;
import java.util.Objects;

/**
 * One agent event as the agent-state operators need it (a Flink POJO: state and network type).
 * {@link #flags} is the agent's contribution to every queue of its routing profile, as bits of
 * {@link AgentStateRules}; 0 means the agent is not counted (LOGOUT, OFFLINE).
 */
public class AgentEvent {
    public String instanceId;
    public String agentId;
    public String eventId;
    public long eventTime;
    public int flags;
    /** Inbound queues of the routing profile (ids and names, same order); empty without a profile. */
    public String[] queueIds = new String[0];
    public String[] queueNames = new String[0];

    public AgentEvent() {}

    public AgentEvent(
            String instanceId, String agentId, String eventId, long eventTime, int flags, String[] queueIds, String[] queueNames) {
        this.instanceId = instanceId;
        this.agentId = agentId;
        this.eventId = eventId;
        this.eventTime = eventTime;
        this.flags = flags;
        this.queueIds = queueIds;
        this.queueNames = queueNames;
    }

    /** The key of the per-agent stage: agents are unique within their instance. */
    public String agentKey() {
        return instanceId + "/" + agentId;
    }

    @Override
    public boolean equals(Object o) {
        if (!(o instanceof AgentEvent)) {
            return false;
        }
        AgentEvent e = (AgentEvent) o;
        return eventTime == e.eventTime
                && flags == e.flags
                && Objects.equals(instanceId, e.instanceId)
                && Objects.equals(agentId, e.agentId)
                && Objects.equals(eventId, e.eventId)
                && Arrays.equals(queueIds, e.queueIds)
                && Arrays.equals(queueNames, e.queueNames);
    }

    @Override
    public int hashCode() {
        return Objects.hash(instanceId, agentId, eventId, eventTime);
    }

    @Override
    public String toString() {
        return "AgentEvent{" + agentKey() + " " + eventId + " @" + eventTime + " flags=" + flags
                + " queues=" + Arrays.toString(queueIds) + "}";
    }
}
