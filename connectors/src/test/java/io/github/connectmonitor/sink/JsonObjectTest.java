package io.github.connectmonitor.sink;

import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;

import static org.assertj.core.api.Assertions.assertThat;

class JsonObjectTest {

    @Test
    void membersInOrderStringsQuotedNullsAsNull() {
        JsonObject inner = new JsonObject().string("type", "BIGINT").number("value", 4L);
        assertThat(new JsonObject()
                        .string("reason", "a \"quoted\"\nline")
                        .number("status", null)
                        .string("none", null)
                        .object("measure", inner)
                        .object("empty", new JsonObject())
                        .toString())
                .isEqualTo("{\"reason\":\"a \\\"quoted\\\"\\nline\",\"status\":null,\"none\":null,"
                        + "\"measure\":{\"type\":\"BIGINT\",\"value\":4},\"empty\":{}}");
    }

    @Test
    void aDeadLetterStartsWithItsTime() {
        DeadLetterWriter writer = new DeadLetterWriter(
                "a store", null, Clock.fixed(Instant.parse("2026-11-24T10:00:00Z"), ZoneOffset.UTC));
        assertThat(writer.toJson(new JsonObject().string("database", "d")))
                .isEqualTo("{\"at\":\"2026-11-24T10:00:00Z\",\"database\":\"d\"}");
        assertThat(writer.toJson(new JsonObject())).isEqualTo("{\"at\":\"2026-11-24T10:00:00Z\"}");
    }
}
