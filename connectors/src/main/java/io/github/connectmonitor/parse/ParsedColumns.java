package io.github.connectmonitor.parse;

import java.util.List;

/**
 * The parsed row's columns and their positions: the layout of {@code PARSED_FIELDS} in flink_app/parsing.py
 * (tests/reliability/test_parser_conformance.py keeps the two equal), so either parse step feeds the same operators.
 */
public final class ParsedColumns {

    public static final List<String> NAMES = List.of(
            "kind", "reason", "raw_record", "event_id", "event_type", "event_ms", "agent_id", "instance_id",
            "status_name", "status_type", "has_contacts", "on_contact", "in_acw", "in_error", "queue_ids",
            "queue_names", "contact_id", "channel", "queue_id", "queue_name", "disconnect_ms", "last_update_ms",
            "handled", "handle_seconds", "queue_wait_seconds", "hold_seconds", "acw_seconds");

    static final int KIND = NAMES.indexOf("kind");
    static final int REASON = NAMES.indexOf("reason");
    static final int RAW_RECORD = NAMES.indexOf("raw_record");
    static final int EVENT_ID = NAMES.indexOf("event_id");
    static final int EVENT_TYPE = NAMES.indexOf("event_type");
    static final int EVENT_MS = NAMES.indexOf("event_ms");
    static final int AGENT_ID = NAMES.indexOf("agent_id");
    static final int INSTANCE_ID = NAMES.indexOf("instance_id");
    static final int STATUS_NAME = NAMES.indexOf("status_name");
    static final int STATUS_TYPE = NAMES.indexOf("status_type");
    static final int HAS_CONTACTS = NAMES.indexOf("has_contacts");
    static final int ON_CONTACT = NAMES.indexOf("on_contact");
    static final int IN_ACW = NAMES.indexOf("in_acw");
    static final int IN_ERROR = NAMES.indexOf("in_error");
    static final int QUEUE_IDS = NAMES.indexOf("queue_ids");
    static final int QUEUE_NAMES = NAMES.indexOf("queue_names");
    static final int CONTACT_ID = NAMES.indexOf("contact_id");
    static final int CHANNEL = NAMES.indexOf("channel");
    static final int QUEUE_ID = NAMES.indexOf("queue_id");
    static final int QUEUE_NAME = NAMES.indexOf("queue_name");
    static final int DISCONNECT_MS = NAMES.indexOf("disconnect_ms");
    static final int LAST_UPDATE_MS = NAMES.indexOf("last_update_ms");
    static final int HANDLED = NAMES.indexOf("handled");
    static final int HANDLE_SECONDS = NAMES.indexOf("handle_seconds");
    static final int QUEUE_WAIT_SECONDS = NAMES.indexOf("queue_wait_seconds");
    static final int HOLD_SECONDS = NAMES.indexOf("hold_seconds");
    static final int ACW_SECONDS = NAMES.indexOf("acw_seconds");

    private ParsedColumns() {
    }
}
