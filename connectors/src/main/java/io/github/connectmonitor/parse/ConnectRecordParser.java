package io.github.connectmonitor.parse;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.json.JsonReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;

/**
 * The job's parse step in the JVM: one raw stream record to the fields of one parsed row ({@link ParsedColumns}),
 * by the rules of Python's shared {@code connect_model} ({@code parse_stream_record}, {@code reject_future})
 * and {@code flink_app/parsing.py} ({@code parsed_row}). Every check runs in the same order as there, so
 * a bad record gets the same reason on both sides; tests/reliability/test_parser_conformance.py holds
 * the two equal over the bad-input corpus, generated traffic and fuzzed documents.
 */
public final class ConnectRecordParser {

    /** Larger than any real Connect record; bounds what a hostile payload can cost. */
    public static final int MAX_RECORD_BYTES = 1_048_576;
    /** Enough of a bad record to inspect it, bounded for hostile ones (code points, as in Python). */
    public static final int MAX_DEAD_LETTER_CHARS = 4096;
    /** Timestream refuses records more than 15 minutes ahead, and a clock that far off is wrong. */
    public static final long MAX_FUTURE_MICROS = 15 * 60 * 1_000_000L;

    // Strict RFC 8259 as Python's json module reads it with NaN/Infinity refused: no trailing data,
    // duplicate keys keep the last value. Python's limits on nesting (its recursion limit) and on integer
    // literals (4,300 digits) are matched as closely as Jackson allows.
    private static final ObjectMapper MAPPER = JsonMapper.builder()
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .disable(JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS)
            .build();

    static {
        MAPPER.getFactory().setStreamReadConstraints(StreamReadConstraints.builder()
                .maxNumberLength(4300)
                .maxNameLength(MAX_RECORD_BYTES)
                .maxStringLength(MAX_RECORD_BYTES)
                .maxNestingDepth(1000)
                .build());
    }

    private static final String[] NO_STRINGS = new String[0];

    private ConnectRecordParser() {
    }

    /** The row for one record; {@code nowMicros} is the wall clock that bounds future timestamps. */
    public static Object[] parse(String data, long nowMicros) {
        if (data == null) {
            return deadLetter("null_record", null);
        }
        try {
            return parseOrReject(data, nowMicros);
        } catch (Rejected rejected) {
            return deadLetter(rejected.reason(), truncate(data));
        }
    }

    private static Object[] parseOrReject(String data, long nowMicros) throws Rejected {
        long size = utf8Size(data);
        if (size > MAX_RECORD_BYTES) {
            throw new Rejected("too_large", size + " bytes > " + MAX_RECORD_BYTES);
        }
        if (data.startsWith("\ufeff")) {
            throw new Rejected("not_json", "starts with a byte order mark");
        }
        JsonNode root;
        try {
            root = MAPPER.readTree(data);
        } catch (JsonProcessingException | StackOverflowError e) {
            throw new Rejected("not_json", String.valueOf(e.getMessage()));
        }
        if (root == null || root.isMissingNode()) {
            throw new Rejected("not_json", "no JSON value");
        }
        if (!root.isObject()) {
            throw new Rejected("not_an_object", "top level is " + JsonFields.typeName(root));
        }
        String kind = recordKind(root);
        if ("ctr".equals(kind)) {
            return contactRecord(root, nowMicros);
        }
        if ("agent_event".equals(kind)) {
            return agentEvent(root, nowMicros);
        }
        if ("contact_event".equals(kind)) {
            return ContactEventParser.contactEvent(root, nowMicros);
        }
        throw new Rejected("unknown_kind", "not an agent event (EventType), a CTR (ContactId) or a contact event (detail-type)");
    }

    /**
     * Agent events have {@code EventType}; CTRs have a format version or a {@code ContactId} and no
     * {@code EventType}; contact events are EventBridge envelopes ({@code detail-type}).
     */
    static String recordKind(JsonNode root) {
        if (root.has("AWSContactTraceRecordFormatVersion")) {
            return "ctr";
        }
        if (root.has("EventType") || root.has("AgentARN")) {
            return "agent_event";
        }
        if (root.has("ContactId")) {
            return "ctr";
        }
        return root.has("detail-type") ? "contact_event" : null;
    }

    private static Object[] agentEvent(JsonNode root, long nowMicros) throws Rejected {
        String eventType = JsonFields.requireStr(root, "EventType");
        if (!eventType.equals("LOGIN") && !eventType.equals("LOGOUT") && !eventType.equals("STATE_CHANGE")
                && !eventType.equals("HEART_BEAT")) {
            throw new Rejected("unknown_event_type", "EventType is not one of LOGIN, LOGOUT, STATE_CHANGE, HEART_BEAT");
        }
        JsonNode snapshotJson = JsonFields.get(root, "CurrentAgentSnapshot");
        if (snapshotJson == null && !eventType.equals("LOGOUT")) {
            throw new Rejected("missing_CurrentAgentSnapshot", eventType + " events carry the agent snapshot");
        }
        String eventId = JsonFields.requireStr(root, "EventId");
        long eventMicros = ConnectTimestamps.parseRequired(JsonFields.get(root, "EventTimestamp"), "EventTimestamp");
        String agentArn = JsonFields.requireStr(root, "AgentARN");
        String instanceArn = JsonFields.optionalStr(root, "InstanceARN");
        Snapshot snapshot = snapshotJson == null ? null : snapshot(snapshotJson);
        rejectFuture(eventMicros, nowMicros, "EventTimestamp");

        Object[] row = emptyRow("agent_event");
        row[ParsedColumns.EVENT_ID] = eventId;
        row[ParsedColumns.EVENT_TYPE] = eventType;
        row[ParsedColumns.EVENT_MS] = Math.floorDiv(eventMicros, 1000L);
        row[ParsedColumns.AGENT_ID] = lastSegment(agentArn);
        row[ParsedColumns.INSTANCE_ID] = instanceId(instanceArn, agentArn);
        row[ParsedColumns.HAS_CONTACTS] = snapshot != null && snapshot.contacts > 0;
        row[ParsedColumns.ON_CONTACT] = snapshot != null && snapshot.onContact;
        row[ParsedColumns.IN_ACW] = snapshot != null && snapshot.inAfterContactWork;
        row[ParsedColumns.IN_ERROR] = snapshot != null && snapshot.inError;
        if (snapshot != null) {
            row[ParsedColumns.STATUS_NAME] = snapshot.statusName;
            row[ParsedColumns.STATUS_TYPE] = snapshot.statusType;
            row[ParsedColumns.QUEUE_IDS] = snapshot.queueIds.toArray(NO_STRINGS);
            row[ParsedColumns.QUEUE_NAMES] = snapshot.queueNames.toArray(NO_STRINGS);
        }
        return row;
    }

    /** What the row needs of {@code CurrentAgentSnapshot}, read (and checked) in Python's order. */
    private static final class Snapshot {
        String statusName;
        String statusType;
        final List<String> queueIds = new ArrayList<>();
        final List<String> queueNames = new ArrayList<>();
        int contacts;
        boolean onContact;
        boolean inAfterContactWork;
        boolean inError;
    }

    private static Snapshot snapshot(JsonNode value) throws Rejected {
        JsonNode snapshotJson = JsonFields.requireObject(value, "CurrentAgentSnapshot");
        JsonNode configuration = JsonFields.optionalObject(JsonFields.get(snapshotJson, "Configuration"), "Configuration");
        JsonNode profile = configuration == null ? null : JsonFields.get(configuration, "RoutingProfile");
        Snapshot snapshot = new Snapshot();

        JsonNode status = JsonFields.requireObject(JsonFields.get(snapshotJson, "AgentStatus"), "AgentStatus");
        snapshot.statusName = JsonFields.requireStr(status, "Name", "AgentStatus.Name");
        snapshot.statusType = statusType(snapshot.statusName, JsonFields.optionalStr(status, "Type"));
        JsonFields.optionalStr(status, "ARN");
        ConnectTimestamps.parseOptional(JsonFields.get(status, "StartTimestamp"), "AgentStatus.StartTimestamp");

        if (profile != null) {
            JsonFields.requireObject(profile, "RoutingProfile");
            for (Iterator<JsonNode> queues = JsonFields.optionalList(profile, "InboundQueues"); queues.hasNext(); ) {
                String[] queue = queueRef(queues.next(), "RoutingProfile.InboundQueues");
                if (!isAgentQueue(queue[0])) { // the agent's own queue is not one it counts in
                    snapshot.queueIds.add(lastSegment(queue[0]));
                    snapshot.queueNames.add(queue[1]);
                }
            }
            JsonFields.requireStr(profile, "ARN", "RoutingProfile.ARN");
            JsonFields.optionalStr(profile, "Name");
        }

        for (Iterator<JsonNode> contacts = JsonFields.optionalList(snapshotJson, "Contacts"); contacts.hasNext(); ) {
            String[] contact = contactState(contacts.next());
            String state = contact[0];
            snapshot.contacts++;
            // Connect's "On contact" includes outbound ring; its "Error", rejected chats and tasks.
            snapshot.onContact |= state.equals("CONNECTED") || state.equals("CONNECTED_ONHOLD") || state.equals("ENDED")
                    || (state.equals("CONNECTING") && "OUTBOUND".equals(contact[1]));
            snapshot.inAfterContactWork |= state.equals("ENDED");
            snapshot.inError |= state.equals("MISSED") || state.equals("REJECTED") || state.equals("ERROR");
        }
        if (configuration != null) {
            JsonFields.optionalStr(configuration, "Username");
        }
        return snapshot;
    }

    /** {@code AgentStatus.Type} when present; otherwise Connect's built-in names, anything else is custom. */
    static String statusType(String name, String declaredType) {
        if (declaredType != null && !declaredType.isEmpty()) {
            boolean known = declaredType.equals("ROUTABLE") || declaredType.equals("CUSTOM") || declaredType.equals("OFFLINE");
            return known ? declaredType : "CUSTOM";
        }
        if (name.equals("Available")) {
            return "ROUTABLE";
        }
        return name.equals("Offline") ? "OFFLINE" : "CUSTOM";
    }

    /** {ARN, Name} of a queue reference ({@code QueueRef.from_json}). */
    private static String[] queueRef(JsonNode value, String field) throws Rejected {
        JsonNode queue = JsonFields.requireObject(value, field);
        JsonFields.optionalList(queue, "Channels"); // its elements are not checked: non-strings are noise
        String arn = JsonFields.requireStr(queue, "ARN", field + ".ARN");
        String name = JsonFields.optionalStr(queue, "Name");
        return new String[] {arn, name == null ? "" : name};
    }

    /** {State, InitiationMethod} of a contact, after checking it as {@code AgentContact.from_json} does. */
    private static String[] contactState(JsonNode value) throws Rejected {
        JsonNode contact = JsonFields.requireObject(value, "Contacts[]");
        JsonNode queue = JsonFields.get(contact, "Queue");
        JsonFields.requireStr(contact, "ContactId", "Contacts.ContactId");
        JsonFields.optionalStr(contact, "Channel");
        String state = JsonFields.requireStr(contact, "State", "Contacts.State");
        if (queue != null) {
            queueRef(queue, "Contacts.Queue");
        }
        String initiationMethod = JsonFields.optionalStr(contact, "InitiationMethod");
        ConnectTimestamps.parseOptional(JsonFields.get(contact, "StateStartTimestamp"), "Contacts.StateStartTimestamp");
        return new String[] {state, initiationMethod};
    }

    private static Object[] contactRecord(JsonNode root, long nowMicros) throws Rejected {
        long disconnected = ConnectTimestamps.parseRequired(JsonFields.get(root, "DisconnectTimestamp"), "DisconnectTimestamp");
        JsonNode queue = JsonFields.optionalObject(JsonFields.get(root, "Queue"), "Queue");
        JsonNode agent = JsonFields.optionalObject(JsonFields.get(root, "Agent"), "Agent");
        Long lastUpdate = ConnectTimestamps.parseOptional(JsonFields.get(root, "LastUpdateTimestamp"), "LastUpdateTimestamp");
        String contactId = JsonFields.requireStr(root, "ContactId");
        String instanceArn = JsonFields.requireStr(root, "InstanceARN");
        String channel = JsonFields.optionalStr(root, "Channel");
        JsonFields.optionalStr(root, "InitiationMethod");
        ConnectTimestamps.parseOptional(JsonFields.get(root, "InitiationTimestamp"), "InitiationTimestamp");

        String queueArn = null;
        String queueName = null;
        double queueSeconds = 0.0;
        boolean enqueued = false;
        if (queue != null) {
            queueArn = JsonFields.requireStr(queue, "ARN", "Queue.ARN");
            String name = JsonFields.optionalStr(queue, "Name");
            queueName = name == null ? "" : name;
            queueSeconds = orZero(JsonFields.optionalNumber(queue, "Duration"));
            enqueued = ConnectTimestamps.parseOptional(
                    JsonFields.get(queue, "EnqueueTimestamp"), "Queue.EnqueueTimestamp") != null;
            ConnectTimestamps.parseOptional(JsonFields.get(queue, "DequeueTimestamp"), "Queue.DequeueTimestamp");
        }
        boolean handled = false;
        boolean held = false;
        double talk = 0.0;
        double hold = 0.0;
        double afterContactWork = 0.0;
        if (agent != null) {
            JsonFields.optionalStr(agent, "ARN");
            JsonFields.optionalStr(agent, "Username");
            handled = ConnectTimestamps.parseOptional(
                    JsonFields.get(agent, "ConnectedToAgentTimestamp"), "Agent.ConnectedToAgentTimestamp") != null;
            talk = orZero(JsonFields.optionalNumber(agent, "AgentInteractionDuration"));
            hold = orZero(JsonFields.optionalNumber(agent, "CustomerHoldDuration"));
            afterContactWork = orZero(JsonFields.optionalNumber(agent, "AfterContactWorkDuration"));
            // Python reads it as int(number): 0.5 holds is none.
            held = (long) orZero(JsonFields.optionalNumber(agent, "NumberOfHolds")) > 0;
        }
        String nextContactId = JsonFields.optionalStr(root, "NextContactId");
        String disconnectReason = JsonFields.optionalStr(root, "DisconnectReason");
        // Older records lack LastUpdateTimestamp; then the disconnect time orders the copies.
        long lastUpdated = lastUpdate == null ? disconnected : lastUpdate;
        rejectFuture(disconnected, nowMicros, "DisconnectTimestamp");
        rejectFuture(lastUpdated, nowMicros, "LastUpdateTimestamp");

        boolean queued = queueArn != null && enqueued;
        Object[] row = emptyRow("ctr");
        row[ParsedColumns.INSTANCE_ID] = lastSegment(instanceArn);
        row[ParsedColumns.CONTACT_ID] = contactId;
        row[ParsedColumns.CHANNEL] = asciiUpper(channel == null || channel.isEmpty() ? "VOICE" : channel);
        row[ParsedColumns.QUEUE_ID] = queueArn == null ? null : lastSegment(queueArn);
        row[ParsedColumns.QUEUE_NAME] = queueName;
        row[ParsedColumns.DISCONNECT_MS] = Math.floorDiv(disconnected, 1000L);
        row[ParsedColumns.LAST_UPDATE_MS] = Math.floorDiv(lastUpdated, 1000L);
        row[ParsedColumns.QUEUED] = queued;
        row[ParsedColumns.HANDLED] = handled;
        // connect_model ContactTraceRecord.abandoned: hung up in queue, not moved on (callback, queue transfer).
        row[ParsedColumns.ABANDONED] = queued && !handled && (nextContactId == null || nextContactId.isEmpty())
                && (disconnectReason == null || disconnectReason.equals("CUSTOMER_DISCONNECT"));
        row[ParsedColumns.HELD] = held;
        // Connect's handle time: talk + hold + after-contact work, summed in that order as in Python.
        row[ParsedColumns.HANDLE_SECONDS] = talk + hold + afterContactWork;
        row[ParsedColumns.QUEUE_WAIT_SECONDS] = queueSeconds;
        row[ParsedColumns.HOLD_SECONDS] = hold;
        row[ParsedColumns.ACW_SECONDS] = afterContactWork;
        return row;
    }

    private static double orZero(Double value) {
        return value == null ? 0.0 : value;
    }

    static void rejectFuture(long micros, long nowMicros, String field) throws Rejected {
        if (micros > nowMicros + MAX_FUTURE_MICROS) {
            throw new Rejected("future_timestamp", field + " is more than 15 minutes ahead");
        }
    }

    /** {@code arn:aws:connect:…:instance/abc/queue/q1} → {@code q1}; a bare id is returned as is. */
    static String lastSegment(String arn) {
        return arn.substring(arn.lastIndexOf('/') + 1);
    }

    /** An agent's own queue ({@code …/queue/agent/<agent-id>}), as {@code connect_model.arns.is_agent_queue}. */
    static boolean isAgentQueue(String arn) {
        return arn.contains("/queue/agent/");
    }

    /** ASCII letters only, as {@code connect_model.fields.ascii_upper}: the same on every Unicode version. */
    static String asciiUpper(String value) {
        char[] chars = value.toCharArray();
        for (int i = 0; i < chars.length; i++) {
            if (chars[i] >= 'a' && chars[i] <= 'z') {
                chars[i] = (char) (chars[i] - 'a' + 'A');
            }
        }
        return new String(chars);
    }

    static String asciiLower(String value) {
        char[] chars = value.toCharArray();
        for (int i = 0; i < chars.length; i++) {
            if (chars[i] >= 'A' && chars[i] <= 'Z') {
                chars[i] = (char) (chars[i] - 'A' + 'a');
            }
        }
        return new String(chars);
    }

    /** From {@code InstanceARN}, else from the agent ARN ({@code …:instance/<id>/agent/<agent>}). */
    static String instanceId(String instanceArn, String agentArn) {
        if (instanceArn != null && !instanceArn.isEmpty()) {
            return lastSegment(instanceArn);
        }
        String[] parts = agentArn.split("/", -1);
        return parts.length >= 4 ? parts[1] : "";
    }

    static Object[] emptyRow(String kind) {
        Object[] row = new Object[ParsedColumns.NAMES.size()];
        row[ParsedColumns.KIND] = kind;
        // Arrays are never null: PyFlink's thread mode cannot convert a null array (the Python step's rule).
        row[ParsedColumns.QUEUE_IDS] = NO_STRINGS;
        row[ParsedColumns.QUEUE_NAMES] = NO_STRINGS;
        return row;
    }

    private static Object[] deadLetter(String reason, String raw) {
        Object[] row = emptyRow("dead_letter");
        row[ParsedColumns.REASON] = reason;
        row[ParsedColumns.RAW_RECORD] = raw;
        return row;
    }

    private static String truncate(String data) {
        if (data.length() <= MAX_DEAD_LETTER_CHARS) {
            return data;
        }
        int codePoints = data.codePointCount(0, data.length());
        return codePoints <= MAX_DEAD_LETTER_CHARS ? data : data.substring(0, data.offsetByCodePoints(0, MAX_DEAD_LETTER_CHARS));
    }

    /** Bytes as on the stream; a lone surrogate counts 3, as Python's "surrogatepass" encodes it. */
    static long utf8Size(String data) {
        if ((long) data.length() * 3 <= MAX_RECORD_BYTES) {
            return data.length(); // small at any encoding: the exact size does not matter
        }
        long bytes = 0;
        for (int i = 0; i < data.length(); i++) {
            char c = data.charAt(i);
            if (c < 0x80) {
                bytes += 1;
            } else if (c < 0x800) {
                bytes += 2;
            } else if (Character.isHighSurrogate(c) && i + 1 < data.length() && Character.isLowSurrogate(data.charAt(i + 1))) {
                bytes += 4;
                i++;
            } else {
                bytes += 3;
            }
        }
        return bytes;
    }
}
