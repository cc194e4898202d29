package io.github.connectmonitor.timestream;

import io.github.connectmonitor.sink.Http;
import io.github.connectmonitor.sink.LocalServer;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.api.java.typeutils.RowTypeInfo;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.types.Row;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.CleanupMode;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.protocols.jsoncore.JsonNode;
import software.amazon.awssdk.services.timestreamwrite.TimestreamWriteClient;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * End to end over HTTP: a local Flink job writes rows through {@link TimestreamSink} to moto's
 * Timestream, then the test reads back what moto stored ({@code /moto-api/data.json}) and the
 * WriteRecords bodies it received (moto's request recording, because moto stores records without
 * merging CommonAttributes) and checks every record.
 */
class TimestreamMotoIntegrationTest {

    private static final String DATABASE = "connect_monitor";
    private static final String TABLE = "queue_metrics";
    private static final int QUEUES = 10;
    private static final int MINUTES = 23;
    private static final LocalDateTime START = LocalDateTime.parse("2026-11-24T09:00:00");

    /** moto's log and request recording; kept when the test fails. */
    @TempDir(cleanup = CleanupMode.ON_SUCCESS)
    static Path workDir;

    private static LocalServer moto;
    private static String endpoint;

    @BeforeAll
    static void startMoto() throws Exception {
        moto = LocalServer.moto(
                workDir,
                Map.of("MOTO_ENABLE_RECORDING", "True",
                        "MOTO_RECORDER_FILEPATH", workDir.resolve("recording.jsonl").toString()));
        endpoint = moto.url();
    }

    @AfterAll
    static void stopMoto() throws InterruptedException {
        if (moto != null) {
            moto.close();
        }
    }

    @Test
    void rowsWrittenByAFlinkJobArriveAsMultiMeasureRecords() throws Exception {
        Map<String, String> options = new HashMap<>();
        options.put("database", DATABASE);
        options.put("table", TABLE);
        options.put("region", "eu-west-1");
        options.put("endpoint", endpoint);
        options.put("aws.access-key-id", "testing");
        options.put("aws.secret-access-key", "testing");
        options.put("measure.name", "queue");
        options.put("dimension.columns", "instance_id,queue_id");
        options.put("time.column", "time");
        options.put("version.column", "version");
        try (TimestreamWriteClient admin = DefaultTimestreamClientProvider.INSTANCE.create(
                TimestreamSinkConfig.fromOptions(Configuration.fromMap(options)))) {
            admin.createDatabase(r -> r.databaseName(DATABASE));
            admin.createTable(r -> r.databaseName(DATABASE).tableName(TABLE));
        }

        RowTypeInfo type = new RowTypeInfo(
                new TypeInformation<?>[] {Types.STRING, Types.STRING, Types.LOCAL_DATE_TIME, Types.LONG,
                        Types.INT, Types.DOUBLE, Types.BOOLEAN, Types.STRING},
                new String[] {"instance_id", "queue_id", "time", "version", "calls", "avg_wait", "open", "status"});
        List<Row> rows = new ArrayList<>();
        for (int minute = 0; minute < MINUTES; minute++) {
            for (int queue = 0; queue < QUEUES; queue++) {
                rows.add(Row.of("i-1", "q-" + queue, START.plusMinutes(minute), 1000L + minute,
                        minute * queue, queue == 3 ? null : minute + 0.25, queue % 2 == 0, "m" + minute));
            }
        }

        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        env.setParallelism(1);
        env.enableCheckpointing(500);
        env.fromData(rows, type).sinkTo(TimestreamSink.forRows(type, options));
        env.execute("timestream-moto-it");

        // What moto stored, record by record, as sent.
        List<Object> stored = new ArrayList<>();
        for (JsonNode table : JsonNode.parser().parse(get("/moto-api/data.json"))
                .field("timestreamwrite").get().field("TimestreamTable").get().asArray()) {
            if (table.field("name").get().asString().equals(TABLE)) {
                table.field("records").get().asArray().forEach(r -> stored.add(plain(r)));
            }
        }
        // What the sink sent: the WriteRecords bodies.
        List<JsonNode> requests = new ArrayList<>();
        for (String line : Files.readAllLines(workDir.resolve("recording.jsonl"), StandardCharsets.UTF_8)) {
            JsonNode entry = JsonNode.parser().parse(line);
            if (entry.field("headers").get().field("X-Amz-Target").map(JsonNode::asString).orElse("")
                    .endsWith(".WriteRecords")) {
                requests.add(JsonNode.parser().parse(new String(
                        Base64.getDecoder().decode(entry.field("body").get().asString()), StandardCharsets.UTF_8)));
            }
        }

        int total = QUEUES * MINUTES;
        assertThat(requests).isNotEmpty();
        assertThat(requests).allSatisfy(r -> assertThat(r.field("Records").get().asArray()).hasSizeBetween(1, 100));
        List<Object> sent = requests.stream()
                .flatMap(r -> r.field("Records").get().asArray().stream())
                .map(TimestreamMotoIntegrationTest::plain)
                .collect(Collectors.toList());
        assertThat(sent).hasSize(total);
        assertThat(stored).as("moto stored exactly the records sent").isEqualTo(sent);

        Map<String, Map<String, Object>> byKey = new HashMap<>();
        for (JsonNode request : requests) {
            assertThat(request.field("DatabaseName").get().asString()).isEqualTo(DATABASE);
            Map<String, Object> common = asMap(request.field("CommonAttributes").get());
            assertThat(common).containsEntry("MeasureName", "queue").containsEntry("MeasureValueType", "MULTI")
                    .containsEntry("TimeUnit", "MILLISECONDS");
            assertThat(dimensions(common)).containsEntry("instance_id", "i-1");
            for (JsonNode record : request.field("Records").get().asArray()) {
                Map<String, Object> merged = merge(common, asMap(record));
                byKey.put(dimensions(merged).get("queue_id") + "@" + merged.get("Time"), merged);
            }
        }
        assertThat(byKey).hasSize(total);

        for (int minute = 0; minute < MINUTES; minute++) {
            long time = START.plusMinutes(minute).toInstant(ZoneOffset.UTC).toEpochMilli();
            for (int queue = 0; queue < QUEUES; queue++) {
                Map<String, Object> record = byKey.get("q-" + queue + "@" + time);
                assertThat(record).as("record of q-%d at minute %d", queue, minute).isNotNull();
                assertThat(record.get("MeasureName")).isEqualTo("queue");
                assertThat(record.get("Version")).isEqualTo(Long.toString(1000L + minute));
                assertThat(dimensions(record)).containsOnly(
                        Map.entry("instance_id", "i-1"), Map.entry("queue_id", "q-" + queue));
                Map<String, String> expected = new LinkedHashMap<>();
                expected.put("calls", "BIGINT=" + minute * queue);
                if (queue != 3) {
                    expected.put("avg_wait", "DOUBLE=" + (minute + 0.25));
                }
                expected.put("open", "BOOLEAN=" + (queue % 2 == 0));
                expected.put("status", "VARCHAR=m" + minute);
                assertThat(measures(record)).as("measures of q-%d at minute %d", queue, minute)
                        .containsExactlyEntriesOf(expected);
            }
        }
    }

    private static String get(String path) throws IOException {
        return Http.get(endpoint + path);
    }

    /** A record with CommonAttributes applied, as Timestream stores it. */
    private static Map<String, Object> merge(Map<String, Object> common, Map<String, Object> record) {
        Map<String, Object> merged = new LinkedHashMap<>(common);
        merged.putAll(record);
        List<Object> dims = new ArrayList<>();
        dims.addAll((List<?>) common.getOrDefault("Dimensions", List.of()));
        dims.addAll((List<?>) record.getOrDefault("Dimensions", List.of()));
        merged.put("Dimensions", dims);
        return merged;
    }

    @SuppressWarnings("unchecked")
    private static Map<String, String> dimensions(Map<String, Object> record) {
        Map<String, String> result = new LinkedHashMap<>();
        for (Object d : (List<Object>) record.getOrDefault("Dimensions", List.of())) {
            Map<String, Object> dimension = (Map<String, Object>) d;
            result.put((String) dimension.get("Name"), (String) dimension.get("Value"));
        }
        return result;
    }

    @SuppressWarnings("unchecked")
    private static Map<String, String> measures(Map<String, Object> record) {
        Map<String, String> result = new LinkedHashMap<>();
        for (Object m : (List<Object>) record.get("MeasureValues")) {
            Map<String, Object> measure = (Map<String, Object>) m;
            result.put((String) measure.get("Name"), measure.get("Type") + "=" + measure.get("Value"));
        }
        return result;
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> asMap(JsonNode node) {
        return (Map<String, Object>) plain(node);
    }

    /** JSON as plain maps, lists and strings (numbers as their text), for equality checks. */
    private static Object plain(JsonNode node) {
        if (node.isObject()) {
            Map<String, Object> map = new LinkedHashMap<>();
            node.asObject().forEach((k, v) -> map.put(k, plain(v)));
            return map;
        }
        if (node.isArray()) {
            return node.asArray().stream().map(TimestreamMotoIntegrationTest::plain).collect(Collectors.toList());
        }
        if (node.isNull()) {
            return null;
        }
        if (node.isNumber()) {
            return node.asNumber();
        }
        if (node.isBoolean()) {
            return Boolean.toString(node.asBoolean());
        }
        return node.asString();
    }
}
