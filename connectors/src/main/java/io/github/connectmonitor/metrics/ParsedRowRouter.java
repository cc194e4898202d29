package io.github.connectmonitor.metrics;

import org.apache.flink.streaming.api.functions.ProcessFunction;
import org.apache.flink.types.Row;
import org.apache.flink.util.Collector;
import org.apache.flink.util.OutputTag;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Splits the parse step's rows (flink_app/parsing.py, one per raw record) by kind: agent events
 * (main output), CTRs ({@link #CONTACTS}) and dead letters ({@link DeadLetters#TAG}). Columns are
 * found by name once, so the Python side may add columns freely.
 */
public class ParsedRowRouter extends ProcessFunction<Row, AgentEvent> {

    private static final long serialVersionUID = 1L;

    public static final OutputTag<ContactRecord> CONTACTS =
            new OutputTag<>("contacts", org.apache.flink.api.common.typeinfo.TypeInformation.of(ContactRecord.class));

    static final List<String> REQUIRED = List.of(
            "kind", "reason", "raw_record", "event_id", "event_type", "event_ms", "agent_id", "instance_id",
            "status_type", "has_contacts", "on_contact", "in_acw", "in_error", "queue_ids", "queue_names", "contact_id",
            "channel",
            "queue_id", "queue_name", "disconnect_ms", "last_update_ms", "handled", "handle_seconds",
            "queue_wait_seconds", "hold_seconds", "acw_seconds");

    private final int[] index;

    public ParsedRowRouter(List<String> columnNames) {
        List<String> missing = new ArrayList<>();
        index = new int[REQUIRED.size()];
        for (int i = 0; i < REQUIRED.size(); i++) {
            index[i] = columnNames.indexOf(REQUIRED.get(i));
            if (index[i] < 0) {
                missing.add(REQUIRED.get(i));
            }
        }
        if (!missing.isEmpty()) {
            throw new IllegalArgumentException(
                    "the parsed rows lack columns " + missing + " (flink_app/parsing.py PARSED_FIELDS); got " + columnNames);
        }
    }

    private Object get(Row row, String column) {
        return row.getField(index[Column.of(column)]);
    }

    /** Positions in {@link #REQUIRED}, computed once (the lookup runs for every field of every record). */
    private static final class Column {
        private static final java.util.Map<String, Integer> POSITIONS = new java.util.HashMap<>();

        static {
            for (int i = 0; i < REQUIRED.size(); i++) {
                POSITIONS.put(REQUIRED.get(i), i);
            }
        }

        static int of(String column) {
            return POSITIONS.get(column);
        }
    }

    private boolean flag(Row row, String column) {
        return Boolean.TRUE.equals(get(row, column));
    }

    private double seconds(Row row, String column) {
        Object value = get(row, column);
        return value == null ? 0.0 : ((Number) value).doubleValue();
    }

    @Override
    public void processElement(Row row, Context ctx, Collector<AgentEvent> out) {
        String kind = (String) get(row, "kind");
        if ("agent_event".equals(kind)) {
            out.collect(agentEvent(row));
        } else if ("ctr".equals(kind)) {
            ctx.output(CONTACTS, contact(row));
        } else {
            ctx.output(DeadLetters.TAG, DeadLetters.of((String) get(row, "reason"), (String) get(row, "raw_record")));
        }
    }

    AgentEvent agentEvent(Row row) {
        String[] ids = strings(get(row, "queue_ids"));
        String[] names = strings(get(row, "queue_names"));
        if (names.length != ids.length) {
            names = java.util.Arrays.copyOf(names, ids.length);
        }
        int flags = AgentStateRules.flags((String) get(row, "event_type"), (String) get(row, "status_type"),
                flag(row, "has_contacts"), flag(row, "on_contact"), flag(row, "in_acw"), flag(row, "in_error"));
        return new AgentEvent((String) get(row, "instance_id"), (String) get(row, "agent_id"),
                (String) get(row, "event_id"), (Long) get(row, "event_ms"), flags, ids, names);
    }

    private static String[] strings(Object array) {
        if (array == null) {
            return new String[0];
        }
        Object[] values = (Object[]) array;
        String[] copy = new String[values.length];
        for (int i = 0; i < values.length; i++) {
            copy[i] = (String) values[i];
        }
        return copy;
    }

    ContactRecord contact(Row row) {
        ContactRecord contact = new ContactRecord();
        contact.instanceId = (String) get(row, "instance_id");
        contact.contactId = (String) get(row, "contact_id");
        contact.channel = (String) get(row, "channel");
        contact.queueId = (String) get(row, "queue_id");
        contact.queueName = (String) get(row, "queue_name");
        contact.disconnectTime = (Long) get(row, "disconnect_ms");
        contact.lastUpdateTime = (Long) get(row, "last_update_ms");
        contact.handled = flag(row, "handled");
        contact.handleSeconds = seconds(row, "handle_seconds");
        contact.queueWaitSeconds = seconds(row, "queue_wait_seconds");
        contact.holdSeconds = seconds(row, "hold_seconds");
        contact.afterContactWorkSeconds = seconds(row, "acw_seconds");
        return contact;
    }

    @Override
    public String toString() {
        return "ParsedRowRouter" + Arrays.toString(index);
    }
}
