package io.github.connectmonitor.influxdb;

import io.github.connectmonitor.sink.InsertOnlyTableSink;
import io.github.connectmonitor.sink.SinkTesting;
import io.github.connectmonitor.sink.RowDataConverter;
import org.apache.flink.table.api.ValidationException;
import org.apache.flink.table.connector.ChangelogMode;
import org.apache.flink.table.connector.sink.DynamicTableSink;
import org.apache.flink.table.connector.sink.SinkV2Provider;
import org.apache.flink.table.data.GenericRowData;
import org.apache.flink.table.data.StringData;
import org.apache.flink.table.data.TimestampData;
import org.apache.flink.table.factories.DynamicTableSinkFactory;
import org.apache.flink.table.factories.FactoryUtil;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.LocalDateTime;
import java.util.HashMap;
import java.util.Map;

import static io.github.connectmonitor.sink.SinkTesting.AGENT_STATE_COLUMNS;
import static io.github.connectmonitor.sink.SinkTesting.configOf;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class InfluxDbDynamicTableSinkFactoryTest {

    private static Map<String, String> sqlOptions() {
        Map<String, String> options = new HashMap<>();
        options.put("connector", "influxdb");
        options.put("url", "http://127.0.0.1:8086/");
        options.put("database", "connect");
        options.put("measurement", "agent_state");
        options.put("tag.columns", "instance_id, queue_id, queue_name");
        options.put("version.column", "version");
        return options;
    }

    private static DynamicTableSink create(Map<String, String> options) {
        return SinkTesting.createTableSink(options, AGENT_STATE_COLUMNS);
    }

    @Test
    void theFactoryIsFoundByItsIdentifier() {
        assertThat(FactoryUtil.discoverFactory(getClass().getClassLoader(), DynamicTableSinkFactory.class, "influxdb"))
                .isInstanceOf(InfluxDbDynamicTableSinkFactory.class);
    }

    @Test
    void aTableBecomesAnInsertOnlySinkWritingOnePointPerRow() {
        InsertOnlyTableSink<?, ?> sink = (InsertOnlyTableSink<?, ?>) create(sqlOptions());
        InfluxDbSinkConfig config = configOf(sink, InfluxDbSinkConfig.class);

        assertThat(sink.getChangelogMode(ChangelogMode.all())).isEqualTo(ChangelogMode.insertOnly());
        assertThat(sink.getSinkRuntimeProvider(null)).isInstanceOf(SinkV2Provider.class);
        assertThat(config.writeUri().toString()).isEqualTo("http://127.0.0.1:8086/write?db=connect&precision=ms");
        assertThat(config.requestTimeout()).isEqualTo(Duration.ofSeconds(30));
        GenericRowData row = GenericRowData.of(
                StringData.fromString("i-1"), StringData.fromString("q-1"), StringData.fromString("Sales"),
                TimestampData.fromLocalDateTime(LocalDateTime.parse("2023-11-14T22:13:20")), 3L, 5L, null);
        assertThat(new RowDataConverter<>((PointMapper) sink.mapper(), AGENT_STATE_COLUMNS.stream()
                        .map(c -> c.getDataType().getLogicalType()).collect(java.util.stream.Collectors.toList()))
                .apply(row, null).line())
                .isEqualTo("agent_state,instance_id=i-1,queue_id=q-1,queue_name=Sales agents_online=5i 1700000000000");
    }

    @Test
    void optionsAreValidatedWithTheOptionToFix() {
        Map<String, String> noUrl = sqlOptions();
        noUrl.remove("url");
        assertThatThrownBy(() -> create(noUrl)).hasStackTraceContaining("url");

        Map<String, String> badUrl = sqlOptions();
        badUrl.put("url", "127.0.0.1:8086");
        assertThatThrownBy(() -> create(badUrl))
                .isInstanceOf(ValidationException.class)
                .hasStackTraceContaining("Option 'url' = '127.0.0.1:8086' must look like http://host:8086");

        Map<String, String> buffered = sqlOptions();
        buffered.put("sink.batch.max-size", "100");
        buffered.put("sink.requests.max-buffered", "50");
        assertThatThrownBy(() -> create(buffered))
                .hasStackTraceContaining("sink.requests.max-buffered")
                .hasStackTraceContaining("sink.batch.max-size");

        Map<String, String> badTag = sqlOptions();
        badTag.put("tag.columns", "avg_wait");
        assertThatThrownBy(() -> create(badTag)).hasStackTraceContaining("Tag column 'avg_wait' has type DOUBLE");

        Map<String, String> both = sqlOptions();
        both.put("token", "s3cret");
        both.put("token.secret-arn", "arn:aws:secretsmanager:eu-west-2:123456789012:secret:influxdb-token-AbCdEf");
        assertThatThrownBy(() -> create(both))
                .isInstanceOf(ValidationException.class)
                .hasStackTraceContaining("Set either 'token' or 'token.secret-arn', not both");

        Map<String, String> unknown = sqlOptions();
        unknown.put("dimension.columns", "queue_id");
        assertThatThrownBy(() -> create(unknown)).hasStackTraceContaining("dimension.columns");
    }

    @Test
    void theTokenIsNotPrinted() {
        Map<String, String> options = sqlOptions();
        options.put("token", "s3cret");
        DynamicTableSink sink = create(options);

        assertThat(configOf(sink, InfluxDbSinkConfig.class).toString()).contains("token=set").doesNotContain("s3cret");
        assertThat(sink.asSummaryString()).doesNotContain("s3cret");
    }
}
