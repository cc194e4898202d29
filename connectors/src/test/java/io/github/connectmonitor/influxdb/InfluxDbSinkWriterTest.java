package io.github.connectmonitor.influxdb;

import io.github.connectmonitor.sink.SinkException;
import io.github.connectmonitor.sink.SinkTesting;
import io.github.connectmonitor.sink.TestWriterContext;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.connector.base.sink.writer.BufferedRequestState;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import static io.github.connectmonitor.influxdb.FakeInfluxDb.answer;
import static io.github.connectmonitor.sink.SinkTesting.causeOfType;
import static io.github.connectmonitor.sink.SinkTesting.deadLetters;
import static io.github.connectmonitor.sink.SinkTesting.throughCheckpoint;
import static io.github.connectmonitor.sink.SinkTesting.write;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The writer on Flink's real async-sink machinery (mailbox, buffer, metrics) against a JDK HTTP
 * server playing InfluxDB. Retry delays are recorded and run at once.
 */
class InfluxDbSinkWriterTest {

    private static final String CONFLICT =
            "{\"error\":\"partial write: field type conflict: input field \\\"calls\\\" on measurement "
                    + "\\\"queue\\\" is type float, already exists as type integer dropped=1\"}";

    @TempDir Path tmp;

    private FakeInfluxDb influx;
    private final SinkTesting.ImmediateRetries retries = new SinkTesting.ImmediateRetries();
    private InfluxDbSinkWriter<InfluxDbPoint> writer;

    @BeforeEach
    void start() throws Exception {
        influx = new FakeInfluxDb();
    }

    @AfterEach
    void stop() {
        if (writer != null) {
            writer.close();
        }
        influx.close();
    }

    private Map<String, String> options() {
        Map<String, String> options = new HashMap<>();
        options.put("url", influx.url());
        options.put("database", "connect");
        options.put("measurement", "queue");
        options.put("sink.dead-letter.path", tmp.resolve("dead-letters-{subtask}.jsonl").toString());
        return options;
    }

    private InfluxDbSinkWriter<InfluxDbPoint> writer(Map<String, String> options) {
        writer =
                new InfluxDbSinkWriter<>(
                        (element, context) -> element,
                        new TestWriterContext(),
                        InfluxDbSinkConfig.fromOptions(Configuration.fromMap(options)),
                        Collections.emptyList(),
                        retries,
                        () -> 0.5,
                        SinkTesting.CLOCK);
        return writer;
    }

    private static InfluxDbPoint point(String queue, String value) {
        return InfluxDbPoint.valid("queue,queue_id=" + queue + " calls=" + value + " 1700000000000", 1700000000000L);
    }

    private List<String> storedLines() {
        return influx.requests().stream().flatMap(r -> r.lines.stream()).collect(Collectors.toList());
    }

    @Test
    void aBatchIsPostedAsLineProtocolToTheV1WriteApi() throws Exception {
        writer(options());
        write(writer, point("q-0", "1i"), point("q-1", "2i"));
        writer.flush(true);

        assertThat(influx.requests()).singleElement().satisfies(r -> {
            assertThat(r.method).isEqualTo("POST");
            assertThat(r.pathAndQuery).isEqualTo("/write?db=connect&precision=ms");
            assertThat(r.authorization).isNull();
            assertThat(r.lines).containsExactly(
                    "queue,queue_id=q-0 calls=1i 1700000000000", "queue,queue_id=q-1 calls=2i 1700000000000");
        });
        assertThat(writer.rejectedRecordCount()).isZero();
        assertThat(deadLetters(tmp)).isEmpty();
    }

    @Test
    void aConfiguredTokenIsSentAsATokenHeader() throws Exception {
        Map<String, String> options = options();
        options.put("token", "s3cret");
        writer(options);
        write(writer, point("q-0", "1i"));
        writer.flush(true);

        assertThat(influx.requests()).singleElement().satisfies(r -> assertThat(r.authorization).isEqualTo("Token s3cret"));
    }

    @Test
    void anInfluxDb3StyleOkIsStoredToo() throws Exception {
        influx.then(answer(200, ""));
        writer(options());
        write(writer, point("q-0", "1i"));
        writer.flush(true);

        assertThat(influx.requests()).hasSize(1);
        assertThat(writer.retriedRequestCount()).isZero();
    }

    @Test
    void tooManyRequestsAndServerErrorsAreRetriedWithGrowingBackoff() throws Exception {
        influx.then(answer(429, "{\"error\":\"too many requests\"}"))
                .then(answer(500, "{\"error\":\"timeout\"}"))
                .then(answer(503, ""));
        writer(options());
        write(writer, point("q-0", "1i"), point("q-1", "2i"));
        writer.flush(true);

        assertThat(influx.requests()).hasSize(4).allSatisfy(r -> assertThat(r.lines).hasSize(2));
        // Jitter draws 0.5 here: half of the 100, 200 and 400 ms caps.
        assertThat(retries.delays()).containsExactly(50L, 100L, 200L);
        assertThat(writer.retriedRequestCount()).isEqualTo(3);
        assertThat(deadLetters(tmp)).isEmpty();
    }

    @Test
    void aTimedOutRequestIsRetried() throws Exception {
        influx.then(new FakeInfluxDb.Answer(204, "", 2_000));
        Map<String, String> options = options();
        options.put("sink.request.timeout", "300 ms");
        writer(options);
        write(writer, point("q-0", "1i"));
        writer.flush(true);

        assertThat(influx.requests()).hasSize(2);
        assertThat(writer.retriedRequestCount()).isEqualTo(1);
        assertThat(deadLetters(tmp)).isEmpty();
    }

    @Test
    void aConnectionErrorIsRetriedAndFailsTheJobAtTheAttemptLimit() throws Exception {
        Map<String, String> options = options();
        String url = influx.url();
        influx.close(); // nothing listens there any more
        options.put("url", url);
        options.put("sink.retry.max-attempts", "3");
        writer(options);
        write(writer, point("q-0", "1i"));

        assertThatThrownBy(() -> writer.flush(true))
                .satisfies(e -> assertThat(causeOfType(e, SinkException.class))
                        .hasMessageContaining("still failed after 3 attempts")
                        .hasMessageContaining("sink.retry.max-attempts"));
        assertThat(retries.delays()).hasSize(2);
    }

    @Test
    void aRefusedPointIsBisectedOutAndOnlyItIsDeadLettered() throws Exception {
        // InfluxDB refuses any body holding the float point for the integer field "calls".
        influx.otherwise(lines -> lines.stream().anyMatch(l -> l.contains("calls=2.5"))
                ? answer(400, CONFLICT)
                : answer(204, ""));
        writer(options());
        InfluxDbPoint bad = point("q-2", "2.5");
        write(writer, point("q-0", "1i"), point("q-1", "2i"), bad, point("q-3", "3i"), point("q-4", "4i"));
        writer.flush(true);

        List<String> stored = influx.requests().stream()
                .filter(r -> r.lines.stream().noneMatch(l -> l.contains("calls=2.5")))
                .flatMap(r -> r.lines.stream())
                .collect(Collectors.toList());
        assertThat(stored).containsExactlyInAnyOrder(
                point("q-0", "1i").line(), point("q-1", "2i").line(), point("q-3", "3i").line(), point("q-4", "4i").line());
        assertThat(writer.rejectedRecordCount()).isEqualTo(1);
        assertThat(writer.retriedRequestCount()).isZero();
        assertThat(deadLetters(tmp)).containsExactly(
                "{\"at\":\"2026-11-24T10:00:00Z\",\"database\":\"connect\",\"source\":\"server\",\"status\":400,"
                        + "\"reason\":\"partial write: field type conflict: input field \\\"calls\\\" on measurement "
                        + "\\\"queue\\\" is type float, already exists as type integer dropped=1\","
                        + "\"time\":1700000000000,\"line\":\"queue,queue_id=q-2 calls=2.5 1700000000000\"}");
    }

    @Test
    void aPointTheSinkCannotWriteIsDeadLetteredUnsent() throws Exception {
        writer(options());
        InfluxDbPoint invalid = new InfluxDbPoint("queue,queue_id=q-9 1700000000000", 1700000000000L,
                "all field columns are null");
        write(writer, point("q-0", "1i"), invalid);
        writer.flush(true);

        assertThat(storedLines()).containsExactly(point("q-0", "1i").line());
        assertThat(deadLetters(tmp)).singleElement().asString()
                .contains("\"source\":\"sink\"", "\"status\":null", "\"reason\":\"all field columns are null\"");
    }

    @Test
    void aBadTokenFailsTheJobNamingTheTokenOption() throws Exception {
        influx.otherwise(lines -> answer(401, "{\"error\":\"authorization failed\"}"));
        Map<String, String> options = options();
        options.put("token", "wrong");
        writer(options);
        write(writer, point("q-0", "1i"));

        assertThatThrownBy(() -> writer.flush(true))
                .satisfies(e -> assertThat(causeOfType(e, SinkException.class))
                        .hasMessageContaining("Check option 'token'")
                        .hasMessageContaining("HTTP 401: authorization failed")
                        .message().doesNotContain("wrong"));
        assertThat(influx.requests()).hasSize(1);
    }

    @Test
    void aMissingDatabaseFailsTheJobNamingTheDatabaseOption() throws Exception {
        influx.otherwise(lines -> answer(404, "{\"error\":\"database not found: \\\"connect\\\"\"}"));
        writer(options());
        write(writer, point("q-0", "1i"));

        assertThatThrownBy(() -> writer.flush(true))
                .satisfies(e -> assertThat(causeOfType(e, SinkException.class))
                        .hasMessageContaining("Check option 'database'")
                        .hasMessageContaining("database not found")
                        .hasMessageContaining("option 'url'"));
        assertThat(influx.requests()).hasSize(1);
    }

    @Test
    void withoutFlushOnCheckpointTheBufferGoesIntoTheCheckpoint() throws Exception {
        Map<String, String> options = options();
        options.put("sink.flush-on-checkpoint", "false");
        writer(options);
        InfluxDbPoint invalid = new InfluxDbPoint("queue 1", null, "time column 'time' is null");
        write(writer, point("q-0", "1i"), invalid);

        writer.flush(false);
        List<BufferedRequestState<InfluxDbPoint>> state = writer.snapshotState(1);

        assertThat(influx.requests()).isEmpty();
        assertThat(throughCheckpoint(new InfluxDbPointStateSerializer(), state.get(0))).containsExactly(point("q-0", "1i"), invalid);
    }
}
