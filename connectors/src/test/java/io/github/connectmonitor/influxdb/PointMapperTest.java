package io.github.connectmonitor.influxdb;

import io.github.connectmonitor.sink.ColumnType;
import io.github.connectmonitor.sink.SinkColumns;
import org.junit.jupiter.api.Test;

import java.time.LocalDateTime;
import java.util.Arrays;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class PointMapperTest {

    private static final List<String> NAMES =
            Arrays.asList("queue_id", "instance_id", "time", "version", "calls", "avg_wait", "open", "status");
    private static final List<ColumnType> TYPES =
            Arrays.asList(
                    ColumnType.STRING,
                    ColumnType.STRING,
                    ColumnType.TIMESTAMP,
                    ColumnType.INTEGER,
                    ColumnType.INTEGER,
                    ColumnType.FLOATING,
                    ColumnType.BOOLEAN,
                    ColumnType.STRING);
    private static final List<String> TYPE_NAMES =
            Arrays.asList("STRING", "STRING", "TIMESTAMP(3)", "BIGINT", "BIGINT", "DOUBLE", "BOOLEAN", "STRING");
    private static final LocalDateTime TIME = LocalDateTime.parse("2023-11-14T22:13:20");

    private static PointMapper mapper() {
        return PointMapper.create(new SinkColumns(NAMES, TYPES, TYPE_NAMES), "queue", "queue_id,instance_id", "time", "version");
    }

    private static InfluxDbPoint map(Object... row) {
        return mapper().map(i -> row[i]);
    }

    @Test
    void tagsSortedByKeyThenTypedFieldsThenTheTimeInMilliseconds() {
        InfluxDbPoint point = map("q 1", "i-1", TIME, 7L, 12L, 0.25, true, "ok \"now\"");

        assertThat(point.isValid()).isTrue();
        assertThat(point.timeMillis()).isEqualTo(1700000000000L);
        assertThat(point.line())
                .isEqualTo("queue,instance_id=i-1,queue_id=q\\ 1 calls=12i,avg_wait=0.25,open=true,"
                        + "status=\"ok \\\"now\\\"\" 1700000000000");
    }

    @Test
    void theVersionColumnIsNotWritten() {
        assertThat(map("q1", "i-1", TIME, 7L, 1L, null, null, null).line())
                .isEqualTo("queue,instance_id=i-1,queue_id=q1 calls=1i 1700000000000")
                .doesNotContain("version");
    }

    @Test
    void nullFieldsAndTagsAreLeftOut() {
        assertThat(map("q1", null, TIME, null, null, 1.5, null, null).line())
                .isEqualTo("queue,queue_id=q1 avg_wait=1.5 1700000000000");
    }

    @Test
    void aRowWithoutAnyFieldIsInvalid() {
        InfluxDbPoint point = map("q1", "i-1", TIME, 7L, null, null, null, null);
        assertThat(point.isValid()).isFalse();
        assertThat(point.invalidReason()).isEqualTo("all field columns are null");
    }

    @Test
    void aRowWithoutTimeIsInvalid() {
        InfluxDbPoint point = map("q1", "i-1", null, 7L, 3L, null, null, null);
        assertThat(point.invalidReason()).isEqualTo("time column 'time' is null");
        assertThat(point.timeMillis()).isNull();
    }

    @Test
    void textLineProtocolCannotCarryMakesThePointInvalid() {
        InfluxDbPoint point = map("q\n1", "i-1", TIME, 7L, 3L, null, null, null);
        assertThat(point.isValid()).isFalse();
        assertThat(point.invalidReason()).startsWith("tag 'queue_id': ").contains("line break");
    }

    @Test
    void configurationMistakesNameTheOption() {
        assertThatThrownBy(() -> PointMapper.create(new SinkColumns(NAMES, TYPES, TYPE_NAMES), "queue", "nope", "time", null))
                .hasMessageContaining("'nope'")
                .hasMessageContaining("tag.columns");
        assertThatThrownBy(() -> PointMapper.create(new SinkColumns(NAMES, TYPES, TYPE_NAMES), "queue", null, "avg_wait", null))
                .hasMessageContaining("time.column");
        assertThatThrownBy(() -> PointMapper.create(new SinkColumns(NAMES, TYPES, TYPE_NAMES), "queue", "avg_wait", "time", null))
                .hasMessageContaining("Tag column 'avg_wait' has type DOUBLE");
        assertThatThrownBy(() -> PointMapper.create(new SinkColumns(NAMES, TYPES, TYPE_NAMES), " ", null, "time", null))
                .hasMessageContaining("measurement");
        assertThatThrownBy(() -> PointMapper.create(new SinkColumns(NAMES, TYPES, TYPE_NAMES), "queue", null, "time", "vers"))
                .hasMessageContaining("version.column");
    }
}
