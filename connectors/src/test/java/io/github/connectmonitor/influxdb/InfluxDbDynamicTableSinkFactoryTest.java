package io.github.connectmonitor.influxdb;

import org.apache.flink.configuration.Configuration;
import org.apache.flink.table.api.DataTypes;
import org.apache.flink.table.api.Schema;
import org.apache.flink.table.api.ValidationException;
import org.apache.flink.table.catalog.CatalogTable;
import org.apache.flink.table.catalog.Column;
import org.apache.flink.table.catalog.ObjectIdentifier;
import org.apache.flink.table.catalog.ResolvedCatalogTable;
import org.apache.flink.table.catalog.ResolvedSchema;
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
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class InfluxDbDynamicTableSinkFactoryTest {

    private static final List<Column> COLUMNS =
            Arrays.asList(
                    Column.physical("instance_id", DataTypes.STRING()),
                    Column.physical("queue_id", DataTypes.STRING()),
                    Column.physical("time", DataTypes.TIMESTAMP(3)),
                    Column.physical("version", DataTypes.BIGINT()),
                    Column.physical("agents_online", DataTypes.BIGINT()),
                    Column.physical("avg_wait", DataTypes.DOUBLE()));

    private static Map<String, String> sqlOptions() {
        Map<String, String> options = new HashMap<>();
        options.put("connector", "influxdb");
        options.put("url", "http://127.0.0.1:8086/");
        options.put("database", "connect");
        options.put("measurement", "agent_state");
        options.put("tag.columns", "instance_id, queue_id");
        options.put("version.column", "version");
        return options;
    }

    private static DynamicTableSink create(Map<String, String> options) {
        ResolvedSchema schema = ResolvedSchema.of(COLUMNS);
        CatalogTable table =
                CatalogTable.newBuilder()
                        .schema(Schema.newBuilder().fromResolvedSchema(schema).build())
                        .options(options)
                        .partitionKeys(Collections.emptyList())
                        .build();
        return FactoryUtil.createDynamicTableSink(
                null,
                ObjectIdentifier.of("default_catalog", "default_database", "agent_state"),
                new ResolvedCatalogTable(table, schema),
                Collections.emptyMap(),
                new Configuration(),
                InfluxDbDynamicTableSinkFactoryTest.class.getClassLoader(),
                false);
    }

    @Test
    void theFactoryIsFoundByItsIdentifier() {
        assertThat(FactoryUtil.discoverFactory(getClass().getClassLoader(), DynamicTableSinkFactory.class, "influxdb"))
                .isInstanceOf(InfluxDbDynamicTableSinkFactory.class);
    }

    @Test
    void aTableBecomesAnInsertOnlySinkWritingOnePointPerRow() {
        InfluxDbDynamicTableSink sink = (InfluxDbDynamicTableSink) create(sqlOptions());

        assertThat(sink.getChangelogMode(ChangelogMode.all())).isEqualTo(ChangelogMode.insertOnly());
        assertThat(sink.getSinkRuntimeProvider(null)).isInstanceOf(SinkV2Provider.class);
        assertThat(sink.config().writeUri().toString()).isEqualTo("http://127.0.0.1:8086/write?db=connect&precision=ms");
        assertThat(sink.config().requestTimeout()).isEqualTo(Duration.ofSeconds(30));
        GenericRowData row = GenericRowData.of(
                StringData.fromString("i-1"), StringData.fromString("q-1"),
                TimestampData.fromLocalDateTime(LocalDateTime.parse("2023-11-14T22:13:20")), 3L, 5L, null);
        assertThat(new RowDataPointConverter(sink.mapper(), COLUMNS.stream()
                        .map(c -> c.getDataType().getLogicalType()).collect(java.util.stream.Collectors.toList()))
                .apply(row, null).line())
                .isEqualTo("agent_state,instance_id=i-1,queue_id=q-1 agents_online=5i 1700000000000");
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

        Map<String, String> unknown = sqlOptions();
        unknown.put("dimension.columns", "queue_id");
        assertThatThrownBy(() -> create(unknown)).hasStackTraceContaining("dimension.columns");
    }

    @Test
    void theTokenIsNotPrinted() {
        Map<String, String> options = sqlOptions();
        options.put("token", "s3cret");
        InfluxDbDynamicTableSink sink = (InfluxDbDynamicTableSink) create(options);

        assertThat(sink.config().toString()).contains("token=set").doesNotContain("s3cret");
        assertThat(sink.asSummaryString()).doesNotContain("s3cret");
    }
}
