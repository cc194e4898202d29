package io.github.connectmonitor.metrics;

import org.apache.flink.api.common.functions.FlatMapFunction;
import org.apache.flink.util.Collector;

/** Queue names for the live queue (contact events carry none): from agent events and from CTRs. */
final class QueueNames {

    private QueueNames() {}

    /** The names an agent's routing profile announces (sent only when they change for that agent). */
    static final class FromAgentState implements FlatMapFunction<AgentDelta, WaitReport> {
        private static final long serialVersionUID = 1L;

        @Override
        public void flatMap(AgentDelta delta, Collector<WaitReport> out) {
            for (int i = 0; i < delta.seenQueueIds.length; i++) {
                out.collect(WaitReport.name(delta.instanceId, delta.seenQueueIds[i], delta.seenQueueNames[i], delta.eventTime));
            }
        }
    }

    /** A CTR's queue name, as of its LastUpdateTimestamp. */
    static final class FromContacts implements FlatMapFunction<ContactRecord, WaitReport> {
        private static final long serialVersionUID = 1L;

        @Override
        public void flatMap(ContactRecord contact, Collector<WaitReport> out) {
            if (contact.queueId != null && contact.queueName != null && !contact.queueName.isEmpty()) {
                out.collect(WaitReport.name(contact.instanceId, contact.queueId, contact.queueName, contact.lastUpdateTime));
            }
        }
    }
}
