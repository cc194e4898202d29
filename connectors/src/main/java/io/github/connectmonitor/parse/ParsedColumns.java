package io.github.connectmonitor.parse;

import java.util.List;

/**
 * The parsed row's columns and their positions: the layout of {@code PARSED_FIELDS} in flink_app/parsing.py
 * (tests/reliability/test_parser_conformance.py keeps the two equal).
 */
public final class ParsedColumns {

    public static final List<String> NAMES = List.of(
            "kind", "reason", "raw_record", "instance_id",
            "event_id", "event_type", "event_ms", "agent_id", "status_name", "status_type", "has_contacts",
            "on_contact", "in_acw", "in_error", "queue_ids", "queue_names",
            "contact_id", "channel", "queue_id", "queue_name",
            "disconnect_ms", "last_update_ms", "queued", "handled", "abandoned", "held", "handle_seconds",
            "queue_wait_seconds", "hold_seconds", "acw_seconds");

    public static final int KIND = NAMES.indexOf("kind");
    public static final int REASON = NAMES.indexOf("reason");
    public static final int RAW_RECORD = NAMES.indexOf("raw_record");
    public static final int INSTANCE_ID = NAMES.indexOf("instance_id");
    public static final int EVENT_ID = NAMES.indexOf("event_id");
    public static final int EVENT_TYPE = NAMES.indexOf("event_type");
    public static final int EVENT_MS = NAMES.indexOf("event_ms");
    public static final int AGENT_ID = NAMES.indexOf("agent_id");
    public static final int STATUS_NAME = NAMES.indexOf("status_name");
    public static final int STATUS_TYPE = NAMES.indexOf("status_type");
    public static final int HAS_CONTACTS = NAMES.indexOf("has_contacts");
    public static final int ON_CONTACT = NAMES.indexOf("on_contact");
    public static final int IN_ACW = NAMES.indexOf("in_acw");
    public static final int IN_ERROR = NAMES.indexOf("in_error");
    public static final int QUEUE_IDS = NAMES.indexOf("queue_ids");
    public static final int QUEUE_NAMES = NAMES.indexOf("queue_names");
    public static final int CONTACT_ID = NAMES.indexOf("contact_id");
    public static final int CHANNEL = NAMES.indexOf("channel");
    public static final int QUEUE_ID = NAMES.indexOf("queue_id");
    public static final int QUEUE_NAME = NAMES.indexOf("queue_name");
    public static final int DISCONNECT_MS = NAMES.indexOf("disconnect_ms");
    public static final int LAST_UPDATE_MS = NAMES.indexOf("last_update_ms");
    public static final int QUEUED = NAMES.indexOf("queued");
    public static final int HANDLED = NAMES.indexOf("handled");
    public static final int ABANDONED = NAMES.indexOf("abandoned");
    public static final int HELD = NAMES.indexOf("held");
    public static final int HANDLE_SECONDS = NAMES.indexOf("handle_seconds");
    public static final int QUEUE_WAIT_SECONDS = NAMES.indexOf("queue_wait_seconds");
    public static final int HOLD_SECONDS = NAMES.indexOf("hold_seconds");
    public static final int ACW_SECONDS = NAMES.indexOf("acw_seconds");

    private ParsedColumns() {
    }
}
