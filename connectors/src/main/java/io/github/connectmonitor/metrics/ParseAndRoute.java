package io.github.connectmonitor.metrics;

import io.github.connectmonitor.Distribution;
import io.github.connectmonitor.ManagedFlinkMetrics;
import io.github.connectmonitor.parse.ConnectRecordParser;
import io.github.connectmonitor.parse.ParsedColumns;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.metrics.Counter;
import org.apache.flink.streaming.api.functions.ProcessFunction;
import org.apache.flink.util.Collector;
import org.apache.flink.util.OutputTag;

/**
 * The job's first step, chained to the source: parses each raw record in the JVM ({@link ConnectRecordParser},
 * the rules of the shared Python model) and routes it by kind: agent events (main output), CTRs
 * ({@link #CONTACTS}), the steps of contacts for the live queue ({@link #STEPS}: contact events that move
 * a contact, and the end each CTR reports) and dead letters ({@link DeadLetters#TAG}). Exactly one fate per
 * record: nothing is dropped silently (contact events that do not move a contact are counted).
 */
public class ParseAndRoute extends ProcessFunction<String, AgentEvent> {

    private static final long serialVersionUID = 1L;

    public static final OutputTag<ContactRecord> CONTACTS =
            new OutputTag<>("contacts", TypeInformation.of(ContactRecord.class));
    public static final OutputTag<ContactStep> STEPS = new OutputTag<>("contact-steps", TypeInformation.of(ContactStep.class));

    private transient Counter contactEventsNotSteps;
    private transient Distribution agentEventReadLag;
    private transient Distribution contactEventReadLag;

    @Override
    public void open(Configuration parameters) {
        contactEventsNotSteps = getRuntimeContext().getMetricGroup().addGroup(ManagedFlinkMetrics.GROUP)
                .counter("contactEventsIgnored");
        // Freshness, first stage: how long after its own time a record reaches the job (Connect, the stream,
        // the consumer's polling); the connector adds millisBehindLatest per shard.
        agentEventReadLag = Distribution.register(getRuntimeContext().getMetricGroup(), "agentEventReadLagMillis");
        contactEventReadLag = Distribution.register(getRuntimeContext().getMetricGroup(), "contactEventReadLagMillis");
    }

    @Override
    public void processElement(String data, Context ctx, Collector<AgentEvent> out) {
        long now = System.currentTimeMillis();
        Object[] row = ConnectRecordParser.parse(data, now * 1000L);
        switch ((String) row[ParsedColumns.KIND]) {
            case "agent_event":
                AgentEvent event = agentEvent(row);
                agentEventReadLag.record(now - event.eventTime);
                out.collect(event);
                break;
            case "ctr":
                ContactRecord contact = contact(row);
                ctx.output(CONTACTS, contact);
                ctx.output(STEPS, endOf(contact));
                break;
            case "contact_event":
                int rank = ContactStep.rankOf((String) row[ParsedColumns.EVENT_TYPE]);
                if (rank < 0) {
                    contactEventsNotSteps.inc(); // e.g. CONTACT_DATA_UPDATED: the contact stays where it is
                } else {
                    ContactStep step = step(row, rank);
                    contactEventReadLag.record(now - step.stepTime);
                    ctx.output(STEPS, step);
                }
                break;
            default:
                ctx.output(DeadLetters.TAG, DeadLetters.of((String) row[ParsedColumns.REASON],
                        (String) row[ParsedColumns.RAW_RECORD]));
        }
    }

    static AgentEvent agentEvent(Object[] row) {
        int flags = AgentStateRules.flags((String) row[ParsedColumns.EVENT_TYPE], (String) row[ParsedColumns.STATUS_TYPE],
                flag(row, ParsedColumns.HAS_CONTACTS), flag(row, ParsedColumns.ON_CONTACT), flag(row, ParsedColumns.IN_ACW),
                flag(row, ParsedColumns.IN_ERROR));
        return new AgentEvent((String) row[ParsedColumns.INSTANCE_ID], (String) row[ParsedColumns.AGENT_ID],
                (String) row[ParsedColumns.EVENT_ID], (Long) row[ParsedColumns.EVENT_MS], flags,
                (String[]) row[ParsedColumns.QUEUE_IDS], (String[]) row[ParsedColumns.QUEUE_NAMES]);
    }

    static ContactRecord contact(Object[] row) {
        ContactRecord contact = new ContactRecord();
        contact.instanceId = (String) row[ParsedColumns.INSTANCE_ID];
        contact.contactId = (String) row[ParsedColumns.CONTACT_ID];
        contact.channel = (String) row[ParsedColumns.CHANNEL];
        contact.queueId = (String) row[ParsedColumns.QUEUE_ID];
        contact.queueName = (String) row[ParsedColumns.QUEUE_NAME];
        contact.disconnectTime = (Long) row[ParsedColumns.DISCONNECT_MS];
        contact.lastUpdateTime = (Long) row[ParsedColumns.LAST_UPDATE_MS];
        contact.queued = flag(row, ParsedColumns.QUEUED);
        contact.handled = flag(row, ParsedColumns.HANDLED);
        contact.abandoned = flag(row, ParsedColumns.ABANDONED);
        contact.held = flag(row, ParsedColumns.HELD);
        contact.handleSeconds = (Double) row[ParsedColumns.HANDLE_SECONDS];
        contact.queueWaitSeconds = (Double) row[ParsedColumns.QUEUE_WAIT_SECONDS];
        contact.holdSeconds = (Double) row[ParsedColumns.HOLD_SECONDS];
        contact.afterContactWorkSeconds = (Double) row[ParsedColumns.ACW_SECONDS];
        return contact;
    }

    /** A CTR also ends the contact's wait at its DisconnectTimestamp (a guard against a lost contact event). */
    static ContactStep endOf(ContactRecord contact) {
        ContactStep step = new ContactStep();
        step.instanceId = contact.instanceId;
        step.contactId = contact.contactId;
        step.eventId = "ctr";
        step.rank = ContactStep.DISCONNECTED;
        step.stepTime = contact.disconnectTime;
        step.channel = contact.channel;
        step.copyVersion = contact.lastUpdateTime;
        return step;
    }

    static ContactStep step(Object[] row, int rank) {
        ContactStep step = new ContactStep();
        step.instanceId = (String) row[ParsedColumns.INSTANCE_ID];
        step.contactId = (String) row[ParsedColumns.CONTACT_ID];
        step.eventId = (String) row[ParsedColumns.EVENT_ID];
        step.rank = rank;
        step.stepTime = (Long) row[ParsedColumns.EVENT_MS];
        step.queueId = (String) row[ParsedColumns.QUEUE_ID];
        step.channel = (String) row[ParsedColumns.CHANNEL];
        return step;
    }

    private static boolean flag(Object[] row, int column) {
        return Boolean.TRUE.equals(row[column]);
    }
}
