package io.github.connectmonitor.influxdb;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.connectmonitor.sink.LocalServer;
import io.github.connectmonitor.sink.TestWriterContext;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.api.java.typeutils.RowTypeInfo;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.types.Row;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.CleanupMode;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Clock;
import java.time.Duration;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * End to end against a real InfluxDB 1.x server ({@code influxd} from Debian's influxdb package,
 * extracted by {@code make influxdb}; path in {@code -Dinfluxd.binary}): a local Flink job writes
 * rows through {@link InfluxDbSink}, the test reads them back with InfluxQL and checks every value,
 * tag and time; then it checks the two behaviours the sink's delivery relies on: writing the same
 * series and time again leaves one point with the new values (what replaces Timestream's version),
 * and a refused point (field type conflict) is dead-lettered alone while the rest of its batch is
 * stored. Skipped when the property is absent.
 */
class InfluxDbIntegrationTest {

    private static final String DATABASE = "connect_monitor";
    private static final int QUEUES = 10;
    private static final int MINUTES = 23;
    private static final LocalDateTime START = LocalDateTime.parse("2026-11-24T09:00:00");
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    /** influxd's config, data and log; kept when the test fails. */
    @TempDir(cleanup = CleanupMode.ON_SUCCESS)
    static Path workDir;

    private static LocalServer influxd;
    private static String url;

    @BeforeAll
    static void startInfluxd() throws Exception {
        String configured = System.getProperty("influxd.binary");
        Assumptions.assumeTrue(
                configured != null && !configured.trim().isEmpty() && !configured.contains("${"),
                "No InfluxDB server: run `make influxdb` in the repository root and pass "
                        + "-Dinfluxd.binary=$PWD/.tools/influxdb/usr/bin/influxd (make test does both).");
        Path binary = Paths.get(configured);
        if (!Files.isExecutable(binary)) {
            throw new IllegalStateException(
                    "influxd not found at " + binary + " (-Dinfluxd.binary): run `make influxdb` in the "
                            + "repository root.");
        }
        int httpPort = LocalServer.freePort();
        Path config = workDir.resolve("influxdb.conf");
        Files.writeString(config, config(workDir, httpPort, LocalServer.freePort()));
        url = "http://127.0.0.1:" + httpPort;
        influxd = LocalServer.start(
                "influxd",
                url,
                new ProcessBuilder(binary.toString(), "run", "-config", config.toString()),
                workDir.resolve("influxd.log"),
                () -> send(HttpRequest.newBuilder(URI.create(url + "/ping")).GET()).statusCode() == 204);
        assertThat(query(null, "CREATE DATABASE " + DATABASE).path("results").get(0).has("error")).isFalse();
    }

    /** Everything on 127.0.0.1 or off, everything in the temp dir, no phoning home. */
    private static String config(Path dir, int httpPort, int rpcPort) {
        return String.join(
                "\n",
                "reporting-enabled = false",
                "bind-address = \"127.0.0.1:" + rpcPort + "\"",
                "[meta]",
                "  dir = \"" + dir.resolve("meta") + "\"",
                "  logging-enabled = false",
                "[data]",
                "  dir = \"" + dir.resolve("data") + "\"",
                "  wal-dir = \"" + dir.resolve("wal") + "\"",
                "  query-log-enabled = false",
                "[monitor]",
                "  store-enabled = false",
                "[subscriber]",
                "  enabled = false",
                "[continuous_queries]",
                "  enabled = false",
                "[http]",
                "  enabled = true",
                "  bind-address = \"127.0.0.1:" + httpPort + "\"",
                "  log-enabled = false",
                "  pprof-enabled = false",
                "[[graphite]]",
                "  enabled = false",
                "[[collectd]]",
                "  enabled = false",
                "[[opentsdb]]",
                "  enabled = false",
                "[[udp]]",
                "  enabled = false",
                "");
    }

    @AfterAll
    static void stopInfluxd() throws InterruptedException {
        if (influxd != null) {
            influxd.close();
        }
    }

    private static Map<String, String> options(String measurement) {
        Map<String, String> options = new HashMap<>();
        options.put("url", url);
        options.put("database", DATABASE);
        options.put("measurement", measurement);
        options.put("tag.columns", "instance_id,queue_id");
        options.put("time.column", "time");
        options.put("version.column", "version");
        options.put("sink.batch.max-size", "50");
        options.put("sink.dead-letter.path", workDir.resolve(measurement + "-dead-letters.jsonl").toString());
        return options;
    }

    @Test
    void rowsWrittenByAFlinkJobArriveAsPointsWithTheirTagsFieldsAndTimes() throws Exception {
        RowTypeInfo type = new RowTypeInfo(
                new TypeInformation<?>[] {Types.STRING, Types.STRING, Types.LOCAL_DATE_TIME, Types.LONG,
                        Types.LONG, Types.DOUBLE, Types.BOOLEAN, Types.STRING},
                new String[] {"instance_id", "queue_id", "time", "version", "calls", "avg_wait", "open", "status"});
        List<Row> rows = new ArrayList<>();
        for (int minute = 0; minute < MINUTES; minute++) {
            for (int queue = 0; queue < QUEUES; queue++) {
                rows.add(Row.of("i-1", queueId(queue), START.plusMinutes(minute), 1000L + minute,
                        (long) minute * queue, queue == 3 ? null : minute + 0.25, queue % 2 == 0,
                        "m \"" + minute + "\""));
            }
        }

        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        env.setParallelism(1);
        env.enableCheckpointing(500);
        env.fromData(rows, type).sinkTo(InfluxDbSink.forRows(type, options("queue")));
        env.execute("influxdb-it");

        JsonNode series = query(DATABASE, "SELECT * FROM queue").path("results").get(0).path("series").get(0);
        List<String> columns = new ArrayList<>();
        series.path("columns").forEach(c -> columns.add(c.asText()));
        assertThat(columns).containsExactlyInAnyOrder(
                "time", "instance_id", "queue_id", "calls", "avg_wait", "open", "status");
        Map<String, Map<String, JsonNode>> byKey = new HashMap<>();
        for (JsonNode values : series.path("values")) {
            Map<String, JsonNode> point = new LinkedHashMap<>();
            for (int i = 0; i < columns.size(); i++) {
                point.put(columns.get(i), values.get(i));
            }
            byKey.put(point.get("queue_id").asText() + "@" + point.get("time").asLong(), point);
        }
        assertThat(byKey).hasSize(QUEUES * MINUTES);
        for (int minute = 0; minute < MINUTES; minute++) {
            long time = START.plusMinutes(minute).toInstant(ZoneOffset.UTC).toEpochMilli();
            for (int queue = 0; queue < QUEUES; queue++) {
                Map<String, JsonNode> point = byKey.get(queueId(queue) + "@" + time);
                assertThat(point).as("point of %s at minute %d", queueId(queue), minute).isNotNull();
                assertThat(point.get("instance_id").asText()).isEqualTo("i-1");
                assertThat(point.get("calls").isIntegralNumber()).isTrue();
                assertThat(point.get("calls").asLong()).isEqualTo((long) minute * queue);
                if (queue == 3) {
                    assertThat(point.get("avg_wait").isNull()).as("a null field is not written").isTrue();
                } else {
                    assertThat(point.get("avg_wait").asDouble()).isEqualTo(minute + 0.25);
                }
                assertThat(point.get("open").asBoolean()).isEqualTo(queue % 2 == 0);
                assertThat(point.get("status").asText()).isEqualTo("m \"" + minute + "\"");
            }
        }
        // The version column is not a field, and the field types are those of the columns.
        JsonNode keys = query(DATABASE, "SHOW FIELD KEYS FROM queue").path("results").get(0).path("series").get(0);
        Map<String, String> fieldTypes = new LinkedHashMap<>();
        keys.path("values").forEach(v -> fieldTypes.put(v.get(0).asText(), v.get(1).asText()));
        assertThat(fieldTypes).containsOnly(
                Map.entry("calls", "integer"), Map.entry("avg_wait", "float"),
                Map.entry("open", "boolean"), Map.entry("status", "string"));
    }

    /** A tag value with a space, a comma and an equals sign, to exercise the escaping for real. */
    private static String queueId(int queue) {
        return queue == 7 ? "q 7,a=b" : "q-" + queue;
    }

    @Test
    void writingTheSameSeriesAndTimeAgainLeavesOnePointWithTheNewValues() throws Exception {
        RowTypeInfo type = new RowTypeInfo(
                new TypeInformation<?>[] {Types.STRING, Types.STRING, Types.LOCAL_DATE_TIME, Types.LONG, Types.LONG},
                new String[] {"instance_id", "queue_id", "time", "version", "calls"});
        LocalDateTime window = START.plusMinutes(5);
        write(type, options("corrected"), Row.of("i-1", "q-1", window, 1L, 10L), Row.of("i-1", "q-2", window, 1L, 20L));
        write(type, options("corrected"), Row.of("i-1", "q-1", window, 2L, 11L));

        JsonNode series = query(DATABASE, "SELECT calls FROM corrected WHERE queue_id = 'q-1'")
                .path("results").get(0).path("series").get(0);
        assertThat(series.path("values")).hasSize(1);
        assertThat(series.path("values").get(0).get(0).asLong())
                .isEqualTo(window.toInstant(ZoneOffset.UTC).toEpochMilli());
        assertThat(series.path("values").get(0).get(1).asLong()).isEqualTo(11L);
        JsonNode count = query(DATABASE, "SELECT COUNT(calls) FROM corrected").path("results").get(0).path("series").get(0);
        assertThat(count.path("values").get(0).get(1).asLong()).isEqualTo(2L);
    }

    @Test
    void aPointTheServerRefusesIsDeadLetteredAloneAndTheRestOfItsBatchIsStored() throws Exception {
        Map<String, String> options = options("conflict");
        InfluxDbSinkWriter<InfluxDbPoint> writer = new InfluxDbSinkWriter<>(
                (element, context) -> element,
                new TestWriterContext(),
                InfluxDbSinkConfig.fromOptions(Configuration.fromMap(options)),
                Collections.emptyList(),
                null,
                null,
                Clock.systemUTC());
        try {
            for (int i = 0; i < 7; i++) {
                // Point 4 writes a float into the integer field: a field type conflict.
                String value = i == 4 ? "4.5" : i + "i";
                writer.write(InfluxDbPoint.valid("conflict,queue_id=q-" + i + " calls=" + value + " 1700000000000",
                        1700000000000L), null);
            }
            writer.flush(true);
        } finally {
            writer.close();
        }

        JsonNode series = query(DATABASE, "SELECT calls, queue_id FROM conflict").path("results").get(0).path("series").get(0);
        List<String> stored = new ArrayList<>();
        series.path("values").forEach(v -> stored.add(v.get(2).asText() + "=" + v.get(1).asText()));
        assertThat(stored).containsExactlyInAnyOrder("q-0=0", "q-1=1", "q-2=2", "q-3=3", "q-5=5", "q-6=6");
        List<String> deadLetters = Files.readAllLines(workDir.resolve("conflict-dead-letters.jsonl"));
        assertThat(deadLetters).singleElement().asString()
                .contains("\"status\":400", "field type conflict", "conflict,queue_id=q-4 calls=4.5 1700000000000");
    }

    private static void write(RowTypeInfo type, Map<String, String> options, Row... rows) throws Exception {
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        env.setParallelism(1);
        env.fromData(List.of(rows), type).sinkTo(InfluxDbSink.forRows(type, options));
        env.execute("influxdb-it-write");
    }

    private static JsonNode query(String database, String influxQl) throws Exception {
        String query = "q=" + URLEncoder.encode(influxQl, StandardCharsets.UTF_8) + "&epoch=ms"
                + (database == null ? "" : "&db=" + URLEncoder.encode(database, StandardCharsets.UTF_8));
        HttpRequest.Builder request = influxQl.startsWith("SELECT") || influxQl.startsWith("SHOW")
                ? HttpRequest.newBuilder(URI.create(url + "/query?" + query)).GET()
                : HttpRequest.newBuilder(URI.create(url + "/query"))
                        .header("Content-Type", "application/x-www-form-urlencoded")
                        .POST(HttpRequest.BodyPublishers.ofString(query));
        HttpResponse<String> response = send(request);
        assertThat(response.statusCode()).as("InfluxQL %s: %s", influxQl, response.body()).isEqualTo(200);
        return JSON.readTree(response.body());
    }

    private static HttpResponse<String> send(HttpRequest.Builder request) throws IOException, InterruptedException {
        return HTTP.send(request.timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
    }
}
