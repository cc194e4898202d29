package io.github.connectmonitor.timestream;

import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.timestreamwrite.model.Dimension;
import software.amazon.awssdk.services.timestreamwrite.model.MeasureValue;
import software.amazon.awssdk.services.timestreamwrite.model.MeasureValueType;
import software.amazon.awssdk.services.timestreamwrite.model.Record;
import software.amazon.awssdk.services.timestreamwrite.model.TimeUnit;
import software.amazon.awssdk.services.timestreamwrite.model.WriteRecordsRequest;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;

import static io.github.connectmonitor.timestream.Records.record;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class WriteRequestBuilderTest {

    private final WriteRequestBuilder builder = new WriteRequestBuilder("connect", "queue_metrics");

    @Test
    void sharedValuesAreSentOnceInCommonAttributes() {
        TimestreamRecord a =
                record().time(1000L).version(7L).dim("instance_id", "i-1").dim("queue_id", "q-1")
                        .measure("calls", MeasureType.BIGINT, "3").build();
        TimestreamRecord b =
                record().time(1000L).version(7L).dim("instance_id", "i-1").dim("queue_id", "q-2")
                        .measure("calls", MeasureType.BIGINT, "5").build();

        WriteRecordsRequest request = builder.build(Arrays.asList(a, b));

        assertThat(request.databaseName()).isEqualTo("connect");
        assertThat(request.tableName()).isEqualTo("queue_metrics");
        Record common = request.commonAttributes();
        assertThat(common.measureName()).isEqualTo("queue");
        assertThat(common.measureValueType()).isEqualTo(MeasureValueType.MULTI);
        assertThat(common.timeUnit()).isEqualTo(TimeUnit.MILLISECONDS);
        assertThat(common.time()).isEqualTo("1000");
        assertThat(common.version()).isEqualTo(7L);
        assertThat(common.dimensions()).containsExactly(dim("instance_id", "i-1"));

        Record first = request.records().get(0);
        assertThat(first.measureName()).isNull();
        assertThat(first.time()).isNull();
        assertThat(first.version()).isNull();
        assertThat(first.dimensions()).containsExactly(dim("queue_id", "q-1"));
        assertThat(first.measureValues())
                .containsExactly(MeasureValue.builder().name("calls").type(MeasureValueType.BIGINT).value("3").build());
        assertThat(request.records().get(1).dimensions()).containsExactly(dim("queue_id", "q-2"));
    }

    @Test
    void valuesThatDifferStayOnEachRecord() {
        TimestreamRecord a = record().time(1000L).version(1L).dim("queue_id", "q-1")
                .measure("calls", MeasureType.BIGINT, "3").build();
        TimestreamRecord b = record().time(2000L).version(2L).dim("queue_id", "q-1")
                .measure("calls", MeasureType.BIGINT, "4").build();
        TimestreamRecord c = record().time(3000L).dim("queue_id", "q-1")
                .measure("calls", MeasureType.BIGINT, "5").build();

        WriteRecordsRequest request = builder.build(Arrays.asList(a, b, c));

        assertThat(request.commonAttributes().time()).isNull();
        assertThat(request.commonAttributes().version()).isNull();
        assertThat(request.records()).extracting(Record::time).containsExactly("1000", "2000", "3000");
        assertThat(request.records()).extracting(Record::version).containsExactly(1L, 2L, null);
        assertThat(request.commonAttributes().dimensions()).containsExactly(dim("queue_id", "q-1"));
        assertThat(request.records().get(0).hasDimensions()).isFalse();
    }

    @Test
    void aDimensionMissingFromOneRecordIsNotCommon() {
        TimestreamRecord a = record().dim("instance_id", "i-1").dim("queue_name", "Sales")
                .measure("calls", MeasureType.BIGINT, "1").build();
        TimestreamRecord b = record().dim("instance_id", "i-1")
                .measure("calls", MeasureType.BIGINT, "2").build();

        WriteRecordsRequest request = builder.build(Arrays.asList(a, b));

        assertThat(request.commonAttributes().dimensions()).containsExactly(dim("instance_id", "i-1"));
        assertThat(request.records().get(0).dimensions()).containsExactly(dim("queue_name", "Sales"));
        assertThat(request.records().get(1).hasDimensions()).isFalse();
    }

    @Test
    void everyMeasureKeepsItsTimestreamType() {
        TimestreamRecord r = record().dim("queue_id", "q-1")
                .measure("calls", MeasureType.BIGINT, "3")
                .measure("avg_wait", MeasureType.DOUBLE, "12.5")
                .measure("open", MeasureType.BOOLEAN, "true")
                .measure("queue_name", MeasureType.VARCHAR, "Sales")
                .measure("oldest", MeasureType.TIMESTAMP, "1699999999000")
                .build();

        List<MeasureValue> measures = builder.build(Collections.singletonList(r)).records().get(0).measureValues();

        assertThat(measures)
                .extracting(MeasureValue::name, MeasureValue::type, MeasureValue::value)
                .containsExactly(
                        org.assertj.core.groups.Tuple.tuple("calls", MeasureValueType.BIGINT, "3"),
                        org.assertj.core.groups.Tuple.tuple("avg_wait", MeasureValueType.DOUBLE, "12.5"),
                        org.assertj.core.groups.Tuple.tuple("open", MeasureValueType.BOOLEAN, "true"),
                        org.assertj.core.groups.Tuple.tuple("queue_name", MeasureValueType.VARCHAR, "Sales"),
                        org.assertj.core.groups.Tuple.tuple("oldest", MeasureValueType.TIMESTAMP, "1699999999000"));
    }

    @Test
    void recordsKeepTheBatchOrderSoRejectionIndexesPointBack() {
        List<TimestreamRecord> batch = new ArrayList<>();
        for (int i = 0; i < 100; i++) {
            batch.add(Records.queue("q-" + i, i));
        }

        WriteRecordsRequest request = builder.build(batch);

        assertThat(request.records()).hasSize(100);
        for (int i = 0; i < 100; i++) {
            assertThat(request.records().get(i).dimensions()).containsExactly(dim("queue_id", "q-" + i));
        }
    }

    @Test
    void refusesMoreThanTheServiceLimit() {
        List<TimestreamRecord> batch = new ArrayList<>();
        for (int i = 0; i < 101; i++) {
            batch.add(Records.queue("q-" + i, i));
        }

        assertThatThrownBy(() -> builder.build(batch))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("1 to 100");
    }

    private static Dimension dim(String name, String value) {
        return Dimension.builder().name(name).value(value).build();
    }
}
