package io.github.connectmonitor.metrics;

import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.api.java.typeutils.RowTypeInfo;
import org.apache.flink.shaded.jackson2.com.fasterxml.jackson.databind.ObjectMapper;
import org.apache.flink.shaded.jackson2.com.fasterxml.jackson.databind.node.ObjectNode;
import org.apache.flink.types.Row;
import org.apache.flink.util.OutputTag;

/** The dead-letter output: {@code (reason, record)}, from the parse step and from the operators. */
public final class DeadLetters {

    public static final RowTypeInfo TYPE =
            new RowTypeInfo(new org.apache.flink.api.common.typeinfo.TypeInformation<?>[] {Types.STRING, Types.STRING},
                    new String[] {"reason", "record"});
    public static final OutputTag<Row> TAG = new OutputTag<>("dead-letters", TYPE);

    /** An agent event or CTR that came after the figures it would change were final. */
    public static final String TOO_LATE = "too_late";

    private DeadLetters() {}

    public static Row of(String reason, String record) {
        return Row.of(reason, record);
    }

    /** A short JSON description of a record the operators refuse (they no longer hold its text). */
    static String describe(String kind, String... keyValues) {
        ObjectNode json = JSON.createObjectNode();
        json.put("kind", kind);
        for (int i = 0; i + 1 < keyValues.length; i += 2) {
            json.put(keyValues[i], keyValues[i + 1]);
        }
        return json.toString();
    }

    private static final ObjectMapper JSON = new ObjectMapper();
}
