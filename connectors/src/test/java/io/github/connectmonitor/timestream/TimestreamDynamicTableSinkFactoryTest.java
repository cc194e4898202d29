package io.github.connectmonitor.timestream;

import io.github.connectmonitor.sink.InsertOnlyTableSink;
import io.github.connectmonitor.sink.SinkTesting;
import org.apache.flink.table.api.ValidationException;
import org.apache.flink.table.catalog.Column;
import org.apache.flink.table.connector.ChangelogMode;
import org.apache.flink.table.connector.sink.DynamicTableSink;
import org.apache.flink.table.connector.sink.SinkV2Provider;
import org.apache.flink.table.factories.DynamicTableSinkFactory;
import org.apache.flink.table.factories.FactoryUtil;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static io.github.connectmonitor.sink.SinkTesting.configOf;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class TimestreamDynamicTableSinkFactoryTest {

    private static Map<String, String> sqlOptions() {
        Map<String, String> options = new HashMap<>();
        options.put("connector", "timestream");
        options.put("database", "connect");
        options.put("table", "agent_state_by_queue");
        options.put("region", "eu-west-1");
        options.put("measure.name", "agent_state");
        options.put("dimension.columns", "instance_id, queue_id,queue_name");
        options.put("version.column", "version");
        return options;
    }

    private static DynamicTableSink create(Map<String, String> options) {
        return create(options, SinkTesting.AGENT_STATE_COLUMNS);
    }

    private static DynamicTableSink create(Map<String, String> options, List<Column> columns) {
        return SinkTesting.createTableSink(options, columns);
    }

    @Test
    void theFactoryIsFoundByItsIdentifier() {
        assertThat(
                        FactoryUtil.discoverFactory(
                                getClass().getClassLoader(), DynamicTableSinkFactory.class, "timestream"))
                .isInstanceOf(TimestreamDynamicTableSinkFactory.class);
    }

    @Test
    void aSqlTableBecomesAnInsertOnlyTimestreamSink() {
        Map<String, String> options = sqlOptions();
        options.put("endpoint", "http://127.0.0.1:5000");
        options.put("sink.retry.max-backoff", "5 s");

        InsertOnlyTableSink<?, ?> sink = (InsertOnlyTableSink<?, ?>) create(options);
        TimestreamSinkConfig config = configOf(sink, TimestreamSinkConfig.class);

        assertThat(sink.getChangelogMode(ChangelogMode.all())).isEqualTo(ChangelogMode.insertOnly());
        assertThat(sink.asSummaryString()).isEqualTo("Timestream(connect.agent_state_by_queue)");
        assertThat(config.database()).isEqualTo("connect");
        assertThat(config.table()).isEqualTo("agent_state_by_queue");
        assertThat(config.endpoint()).isEqualTo("http://127.0.0.1:5000");
        assertThat(config.maxBatchSize()).isEqualTo(100);
        assertThat(config.maxBackoff()).isEqualTo(Duration.ofSeconds(5));
        assertThat(sink.mapper().toString())
                .isEqualTo("RecordMapper{measure=agent_state, time=time, "
                        + "dimensions=[instance_id, queue_id, queue_name], measures=[agents_online,avg_wait]}");
        assertThat(sink.getSinkRuntimeProvider(null)).isInstanceOf(SinkV2Provider.class);
        assertThat(((SinkV2Provider) sink.getSinkRuntimeProvider(null)).createSink()).isInstanceOf(TimestreamSink.class);
    }

    @Test
    void missingAndUnknownOptionsAreReported() {
        Map<String, String> missing = sqlOptions();
        missing.remove("region");
        assertThatThrownBy(() -> create(missing))
                .isInstanceOf(ValidationException.class)
                .hasStackTraceContaining("region");

        Map<String, String> typo = sqlOptions();
        typo.put("dimension.column", "instance_id");
        assertThatThrownBy(() -> create(typo))
                .isInstanceOf(ValidationException.class)
                .hasStackTraceContaining("Unsupported options")
                .hasStackTraceContaining("dimension.column");
    }

    @Test
    void invalidValuesNameTheTableAndTheOption() {
        Map<String, String> tooBig = sqlOptions();
        tooBig.put("sink.batch.max-size", "500");
        assertThatThrownBy(() -> create(tooBig))
                .isInstanceOf(ValidationException.class)
                .hasStackTraceContaining("agent_state")
                .hasStackTraceContaining("'sink.batch.max-size' = '500' must be 1 to 100");

        Map<String, String> halfCredentials = sqlOptions();
        halfCredentials.put("aws.access-key-id", "AKIA");
        assertThatThrownBy(() -> create(halfCredentials))
                .hasStackTraceContaining("Set both 'aws.access-key-id' and 'aws.secret-access-key'");

        Map<String, String> badEndpoint = sqlOptions();
        badEndpoint.put("endpoint", "127.0.0.1:5000");
        assertThatThrownBy(() -> create(badEndpoint)).hasStackTraceContaining("must look like http://host:port");

        Map<String, String> wrongColumn = sqlOptions();
        wrongColumn.put("time.column", "window_end");
        assertThatThrownBy(() -> create(wrongColumn))
                .hasStackTraceContaining("Column 'window_end' named by option 'time.column' is not in the sink table");
    }

    @Test
    void everyDeclaredOptionIsAcceptedBySql() {
        Map<String, String> options = sqlOptions();
        options.put("endpoint", "http://localhost:5000");
        options.put("aws.access-key-id", "test");
        options.put("aws.secret-access-key", "test");
        options.put("sink.dead-letter.path", "/tmp/dead-{subtask}.jsonl");
        options.put("sink.retry.max-attempts", "3");
        options.put("sink.retry.initial-backoff", "50 ms");
        options.put("sink.retry.max-backoff", "2 s");
        options.put("sink.request.timeout", "10 s");
        options.put("sink.flush-on-checkpoint", "false");
        options.put("sink.batch.max-size", "50");
        options.put("sink.requests.max-inflight", "2");
        options.put("sink.requests.max-buffered", "1000");
        options.put("sink.flush-buffer.size", "1mb");
        options.put("sink.flush-buffer.timeout", "500 ms");
        options.put("sink.parallelism", "2");
        options.put("time.column", "time");

        TimestreamSinkConfig config = configOf(create(options), TimestreamSinkConfig.class);

        assertThat(config.maxBatchSize()).isEqualTo(50);
        assertThat(config.flushBufferBytes()).isEqualTo(1024 * 1024);
        assertThat(config.flushOnCheckpoint()).isFalse();
        assertThat(config.deadLetterPath(3)).isEqualTo("/tmp/dead-3.jsonl");
        assertThat(config.toString()).doesNotContain("test").contains("static");
        // Every option the factory declares is used in this test, so a new option must be added here.
        assertThat(options.keySet())
                .containsAll(TimestreamConnectorOptions.optionalOptions().stream().map(o -> o.key()).collect(java.util.stream.Collectors.toList()));
    }
}
