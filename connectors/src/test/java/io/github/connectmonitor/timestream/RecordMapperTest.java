package io.github.connectmonitor.timestream;

import io.github.connectmonitor.sink.ColumnType;
import io.github.connectmonitor.sink.RowDataConverter;
import io.github.connectmonitor.sink.SinkColumns;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.api.java.typeutils.RowTypeInfo;
import org.apache.flink.table.api.DataTypes;
import org.apache.flink.table.data.DecimalData;
import org.apache.flink.table.data.GenericRowData;
import org.apache.flink.table.data.StringData;
import org.apache.flink.table.data.TimestampData;
import org.apache.flink.table.types.DataType;
import org.apache.flink.table.types.logical.LogicalType;
import org.apache.flink.types.Row;
import org.junit.jupiter.api.Test;

import java.math.BigDecimal;
import java.time.Instant;
import java.time.LocalDateTime;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class RecordMapperTest {

    private static final long T = Instant.parse("2026-11-24T10:00:00Z").toEpochMilli();

    /** The sink table of the examples: three dimensions, time, version and one column per SQL type. */
    private static final Map<String, DataType> SCHEMA = new LinkedHashMap<>();

    static {
        SCHEMA.put("instance_id", DataTypes.STRING());
        SCHEMA.put("queue_id", DataTypes.STRING());
        SCHEMA.put("queue_name", DataTypes.STRING());
        SCHEMA.put("time", DataTypes.TIMESTAMP(3));
        SCHEMA.put("version", DataTypes.BIGINT());
        SCHEMA.put("calls", DataTypes.INT());
        SCHEMA.put("handled", DataTypes.BIGINT());
        SCHEMA.put("avg_wait", DataTypes.DOUBLE());
        SCHEMA.put("ratio", DataTypes.FLOAT());
        SCHEMA.put("cost", DataTypes.DECIMAL(10, 2));
        SCHEMA.put("open", DataTypes.BOOLEAN());
        SCHEMA.put("status", DataTypes.STRING());
        SCHEMA.put("oldest", DataTypes.TIMESTAMP_LTZ(3));
    }

    private static List<LogicalType> logicalTypes(Map<String, DataType> schema) {
        return schema.values().stream().map(DataType::getLogicalType).collect(Collectors.toList());
    }

    private static RecordMapper mapper(Map<String, DataType> schema, String dimensions, String version) {
        List<LogicalType> types = logicalTypes(schema);
        return RecordMapper.create(
                new SinkColumns(
                        Arrays.asList(schema.keySet().toArray(new String[0])),
                        types.stream().map(ColumnType::of).collect(Collectors.toList()),
                        types.stream().map(LogicalType::asSummaryString).collect(Collectors.toList())),
                "queue",
                dimensions,
                "time",
                version);
    }

    private static TimestreamRecord mapRowData(GenericRowData row) {
        RecordMapper mapper = mapper(SCHEMA, "instance_id,queue_id,queue_name", "version");
        return new RowDataConverter<>(mapper, logicalTypes(SCHEMA)).apply(row, null);
    }

    private static GenericRowData fullRow() {
        return GenericRowData.of(
                StringData.fromString("i-1"),
                StringData.fromString("q-1"),
                StringData.fromString("Sales"),
                TimestampData.fromEpochMillis(T),
                42L,
                3,
                5L,
                12.5d,
                0.25f,
                DecimalData.fromBigDecimal(new BigDecimal("19.99"), 10, 2),
                true,
                StringData.fromString("busy"),
                TimestampData.fromEpochMillis(T - 60_000));
    }

    @Test
    void sqlTypesBecomeTimestreamTypes() {
        TimestreamRecord record = mapRowData(fullRow());

        assertThat(record.isValid()).isTrue();
        assertThat(record.measureName()).isEqualTo("queue");
        assertThat(record.timeMillis()).isEqualTo(T);
        assertThat(record.version()).isEqualTo(42L);
        assertThat(dimensions(record)).containsExactly("instance_id=i-1", "queue_id=q-1", "queue_name=Sales");
        assertThat(measures(record))
                .containsExactly(
                        "calls:BIGINT=3",
                        "handled:BIGINT=5",
                        "avg_wait:DOUBLE=12.5",
                        "ratio:DOUBLE=0.25",
                        "cost:DOUBLE=19.99",
                        "open:BOOLEAN=true",
                        "status:VARCHAR=busy",
                        "oldest:TIMESTAMP=" + (T - 60_000));
    }

    @Test
    void nullMeasuresAreLeftOut() {
        GenericRowData row = fullRow();
        row.setField(6, null);
        row.setField(7, Double.NaN);
        row.setField(11, StringData.fromString(""));

        assertThat(measures(mapRowData(row)))
                .doesNotContain("handled:BIGINT=null")
                .extracting(m -> m.substring(0, m.indexOf(':')))
                .containsExactly("calls", "ratio", "cost", "open", "oldest");
    }

    @Test
    void aNullDimensionIsLeftOutAndANullVersionIsNotSent() {
        GenericRowData row = fullRow();
        row.setField(2, null);
        row.setField(4, null);

        TimestreamRecord record = mapRowData(row);

        assertThat(record.isValid()).isTrue();
        assertThat(dimensions(record)).containsExactly("instance_id=i-1", "queue_id=q-1");
        assertThat(record.version()).isNull();
    }

    @Test
    void aRowWithoutTimeOrMeasuresIsMarkedForTheDeadLetters() {
        GenericRowData row = GenericRowData.of(
                StringData.fromString("i-1"), StringData.fromString("q-1"), null, null, 1L,
                null, null, null, null, null, null, null, null);

        TimestreamRecord record = mapRowData(row);

        assertThat(record.isValid()).isFalse();
        assertThat(record.invalidReason())
                .contains("time column 'time' is null")
                .contains("all measure columns are null");
        assertThat(record.sizeInBytes()).isEqualTo(1);
    }

    @Test
    void anOversizedRowIsMarkedInsteadOfFailingTheBuffer() {
        GenericRowData row = fullRow();
        row.setField(11, StringData.fromString(new String(new char[70_000]).replace('\0', 'x')));

        TimestreamRecord record = mapRowData(row);

        assertThat(record.isValid()).isFalse();
        assertThat(record.invalidReason()).contains("2 KiB record limit");
        assertThat(measures(record)).anyMatch(m -> m.startsWith("status:VARCHAR=") && m.length() < 300);
    }

    @Test
    void dataStreamRowsMapLikeTableRows() {
        RowTypeInfo type = new RowTypeInfo(
                new TypeInformation<?>[] {Types.STRING, Types.STRING, Types.SQL_TIMESTAMP, Types.LONG,
                        Types.INT, Types.DOUBLE, Types.BOOLEAN, Types.LOCAL_DATE_TIME},
                new String[] {"instance_id", "queue_id", "time", "version", "calls", "avg_wait", "open", "since"});
        TimestreamSink<Row> sink = TimestreamSink.forRows(type, TestOptions.base());
        LocalDateTime wallClock = LocalDateTime.parse("2026-11-24T10:00:00");

        TimestreamRecord record = sink.elementConverter().apply(
                Row.of("i-1", "q-1", java.sql.Timestamp.valueOf(wallClock), 9L, 4, 1.5d, false, wallClock.minusMinutes(1)),
                null);

        assertThat(record.timeMillis()).as("TIMESTAMP without zone is read as UTC").isEqualTo(T);
        assertThat(record.version()).isEqualTo(9L);
        assertThat(dimensions(record)).containsExactly("instance_id=i-1", "queue_id=q-1");
        assertThat(measures(record))
                .containsExactly("calls:BIGINT=4", "avg_wait:DOUBLE=1.5", "open:BOOLEAN=false", "since:TIMESTAMP=" + (T - 60_000));
    }

    @Test
    void aColumnTimestreamCannotStoreIsReportedByName() {
        Map<String, DataType> schema = new LinkedHashMap<>(SCHEMA);
        schema.put("tags", DataTypes.ARRAY(DataTypes.STRING()));

        assertThatThrownBy(() -> mapper(schema, "instance_id", "version"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("Column 'tags' has type ARRAY<STRING>");
    }

    @Test
    void configurationMistakesNameTheOptionToFix() {
        assertThatThrownBy(() -> mapper(SCHEMA, "instance_id,agent_id", "version"))
                .hasMessageContaining("Column 'agent_id' named by option 'dimension.columns' is not in the sink table");
        assertThatThrownBy(() -> mapper(SCHEMA, "instance_id,,queue_id", "version"))
                .hasMessageContaining("'dimension.columns'");
        assertThatThrownBy(() -> mapper(SCHEMA, "instance_id", "avg_wait"))
                .hasMessageContaining("Version column 'avg_wait' has type DOUBLE");
        assertThatThrownBy(() -> mapper(SCHEMA, "instance_id,oldest", "version"))
                .hasMessageContaining("Dimension column 'oldest'");
        assertThatThrownBy(() -> mapper(SCHEMA, "instance_id,time", "version"))
                .hasMessageContaining("both a dimension and the time");

        Map<String, DataType> stringTime = new LinkedHashMap<>(SCHEMA);
        stringTime.put("time", DataTypes.STRING());
        assertThatThrownBy(() -> mapper(stringTime, "instance_id", "version"))
                .hasMessageContaining("Time column 'time' has type STRING");

        Map<String, DataType> onlyKeys = new LinkedHashMap<>();
        onlyKeys.put("instance_id", DataTypes.STRING());
        onlyKeys.put("time", DataTypes.TIMESTAMP(3));
        assertThatThrownBy(() -> mapper(onlyKeys, "instance_id", null))
                .hasMessageContaining("no measure columns");
    }

    private static List<String> dimensions(TimestreamRecord record) {
        return java.util.stream.IntStream.range(0, record.dimensionCount())
                .mapToObj(i -> record.dimensionName(i) + "=" + record.dimensionValue(i))
                .collect(Collectors.toList());
    }

    private static List<String> measures(TimestreamRecord record) {
        return java.util.stream.IntStream.range(0, record.measureCount())
                .mapToObj(i -> record.measureName(i) + ":" + record.measureType(i) + "=" + record.measureValue(i))
                .collect(Collectors.toList());
    }
}
