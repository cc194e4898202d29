package io.github.connectmonitor.parse;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.util.Iterator;
import java.util.Map;
import java.util.Set;

/**
 * EventBridge "Amazon Connect Contact Event" envelopes on the stream, by the rules of Python's
 * {@code connect_model/contact_event.py} ({@code parse_contact_event}, {@code ContactEvent.step_time}) and
 * {@code flink_app/parsing.py}, check for check in the same order. Keys of {@code detail} and of the
 * objects in it are read without regard to (ASCII) case; a time on 1970-01-01 is Connect's "not yet".
 */
final class ContactEventParser {

    static final String SOURCE = "aws.connect";
    static final String DETAIL_TYPE = "Amazon Connect Contact Event";
    static final Set<String> KNOWN_TYPES = Set.of("AMD_DISABLED", "INITIATED", "CONNECTED_TO_SYSTEM",
            "CONTACT_DATA_UPDATED", "QUEUED", "CONNECTED_TO_AGENT", "DISCONNECTED", "COMPLETED", "PAUSED", "RESUMED",
            "WEBRTC_API");
    private static final String UNSET_TIME_PREFIX = "1970-01-01T";

    private ContactEventParser() {
    }

    static Object[] contactEvent(JsonNode envelope, long nowMicros) throws Rejected {
        JsonNode source = JsonFields.get(envelope, "source");
        JsonNode detailType = JsonFields.get(envelope, "detail-type");
        if (source == null || !SOURCE.equals(source.textValue()) || detailType == null
                || !DETAIL_TYPE.equals(detailType.textValue())) {
            throw new Rejected("not_a_contact_event", "expected source aws.connect, detail-type " + DETAIL_TYPE);
        }
        JsonNode detail = folded(JsonFields.requireObject(JsonFields.get(envelope, "detail"), "detail"));
        JsonNode queue = foldedOrEmpty(JsonFields.optionalObject(JsonFields.get(detail, "queueinfo"), "queueInfo"));
        JsonNode agent = foldedOrEmpty(JsonFields.optionalObject(JsonFields.get(detail, "agentinfo"), "agentInfo"));

        String eventId = JsonFields.requireStr(envelope, "id");
        String eventType = JsonFields.requireStr(detail, "eventtype", "eventType");
        long eventTime = ConnectTimestamps.parseRequired(JsonFields.get(envelope, "time"), "time");
        String contactId = JsonFields.requireStr(detail, "contactid", "contactId");
        String instanceArn = JsonFields.requireStr(detail, "instancearn", "instanceArn");
        String channel = JsonFields.optionalStr(detail, "channel");
        JsonFields.optionalStr(detail, "initiationmethod", "initiationMethod");
        String queueArn = JsonFields.optionalStr(queue, "queuearn", "queueArn");
        JsonFields.optionalStr(agent, "agentarn", "agentArn");
        Long initiated = time(detail, "initiationtimestamp", "initiationTimestamp");
        Long enqueued = time(queue, "enqueuetimestamp", "enqueueTimestamp");
        Long connectedToAgent = time(agent, "connectedtoagenttimestamp", "connectedToAgentTimestamp");
        Long disconnected = time(detail, "disconnecttimestamp", "disconnectTimestamp");
        Long connectedToSystem = time(detail, "connectedtosystemtimestamp", "connectedToSystemTimestamp");
        JsonFields.optionalStr(queue, "queuetype", "queueType");
        JsonFields.optionalStr(detail, "initialcontactid", "initialContactId");
        JsonFields.optionalStr(detail, "previouscontactid", "previousContactId");
        time(agent, "aftercontactworkstarttimestamp", "afterContactWorkStartTimestamp");
        Long afterContactWorkEnd = time(agent, "aftercontactworkendtimestamp", "afterContactWorkEndTimestamp");
        if (!KNOWN_TYPES.contains(eventType)) {
            throw new Rejected("unknown_event_type", "contact event type is not known");
        }
        Long step = null;
        if (eventType.equals("INITIATED")) {
            step = initiated;
        } else if (eventType.equals("CONNECTED_TO_SYSTEM")) {
            step = connectedToSystem;
        } else if (eventType.equals("QUEUED")) {
            step = enqueued;
        } else if (eventType.equals("CONNECTED_TO_AGENT")) {
            step = connectedToAgent;
        } else if (eventType.equals("DISCONNECTED")) {
            step = disconnected;
        } else if (eventType.equals("COMPLETED")) {
            step = afterContactWorkEnd != null ? afterContactWorkEnd : disconnected;
        }
        long stepTime = step != null ? step : eventTime;
        ConnectRecordParser.rejectFuture(eventTime, nowMicros, "time");
        ConnectRecordParser.rejectFuture(stepTime, nowMicros, "step time");

        Object[] row = ConnectRecordParser.emptyRow("contact_event");
        row[ParsedColumns.INSTANCE_ID] = ConnectRecordParser.lastSegment(instanceArn);
        row[ParsedColumns.EVENT_ID] = eventId;
        row[ParsedColumns.EVENT_TYPE] = eventType;
        row[ParsedColumns.EVENT_MS] = Math.floorDiv(stepTime, 1000L);
        row[ParsedColumns.CONTACT_ID] = contactId;
        row[ParsedColumns.CHANNEL] = ConnectRecordParser.asciiUpper(channel == null || channel.isEmpty() ? "VOICE" : channel);
        boolean standardQueue = queueArn != null && !queueArn.isEmpty() && !ConnectRecordParser.isAgentQueue(queueArn);
        row[ParsedColumns.QUEUE_ID] = standardQueue ? ConnectRecordParser.lastSegment(queueArn) : null;
        return row;
    }

    /** Connect's placeholder for a step not yet reached reads as absent. */
    private static Long time(JsonNode object, String key, String field) throws Rejected {
        JsonNode value = JsonFields.get(object, key);
        if (value != null && value.isTextual() && value.textValue().startsWith(UNSET_TIME_PREFIX)) {
            return null;
        }
        return ConnectTimestamps.parseOptional(value, field);
    }

    /** The object with its keys ASCII-lower-cased; of two keys that fold alike the later wins. */
    private static ObjectNode folded(JsonNode object) {
        ObjectNode result = JsonNodeFactory.instance.objectNode();
        for (Iterator<Map.Entry<String, JsonNode>> fields = object.fields(); fields.hasNext(); ) {
            Map.Entry<String, JsonNode> field = fields.next();
            result.set(ConnectRecordParser.asciiLower(field.getKey()), field.getValue());
        }
        return result;
    }

    private static JsonNode foldedOrEmpty(JsonNode object) {
        return object == null ? JsonNodeFactory.instance.objectNode() : folded(object);
    }
}
