package io.github.connectmonitor.sink;

import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.configuration.Configuration;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The {@code sink.*} options and their checks, on a store of the test's own. */
class SinkConfigTest {

    private static final SinkOptions LIMITED =
            SinkOptions.builder()
                    .maxBatchSize(100, "Records per request.")
                    .batchSizeLimit(100, "the store's limit")
                    .maxBufferedRequests(1000, "Records buffered.")
                    .flushBufferTimeout(Duration.ofMillis(100), "Longest wait.")
                    .build();

    private static final SinkOptions UNLIMITED =
            SinkOptions.builder()
                    .maxBatchSize(5000, "Points per request.")
                    .maxBufferedRequests(20_000, "Points buffered.")
                    .flushBufferTimeout(Duration.ofSeconds(1), "Longest wait.")
                    .build();

    private static final class StoreConfig extends SinkConfig {
        private static final long serialVersionUID = 1L;

        StoreConfig(Map<String, String> options, SinkOptions sinkOptions) {
            super(Configuration.fromMap(options), sinkOptions);
        }
    }

    private static StoreConfig config(SinkOptions sinkOptions, String... keyValues) {
        Map<String, String> options = new HashMap<>();
        for (int i = 0; i < keyValues.length; i += 2) {
            options.put(keyValues[i], keyValues[i + 1]);
        }
        return new StoreConfig(options, sinkOptions);
    }

    @Test
    void everyStoreHasTheSameKeysInTheSameOrderWithItsOwnThreeDefaults() {
        assertThat(LIMITED.options().stream().map(ConfigOption::key).collect(Collectors.toList()))
                .containsExactly(
                        "sink.dead-letter.path", "sink.retry.max-attempts", "sink.retry.initial-backoff",
                        "sink.retry.max-backoff", "sink.request.timeout", "sink.flush-on-checkpoint",
                        "sink.batch.max-size", "sink.requests.max-inflight", "sink.requests.max-buffered",
                        "sink.flush-buffer.size", "sink.flush-buffer.timeout", "sink.parallelism")
                .isEqualTo(UNLIMITED.options().stream().map(ConfigOption::key).collect(Collectors.toList()));
        StoreConfig limited = config(LIMITED);
        StoreConfig unlimited = config(UNLIMITED);
        assertThat(limited.maxBatchSize()).isEqualTo(100);
        assertThat(unlimited.maxBatchSize()).isEqualTo(5000);
        assertThat(limited.flushBufferTimeoutMillis()).isEqualTo(100);
        assertThat(unlimited.flushBufferTimeoutMillis()).isEqualTo(1000);
        assertThat(limited.maxAttempts()).isEqualTo(unlimited.maxAttempts()).isEqualTo(10);
        assertThat(limited.requestTimeout()).isEqualTo(Duration.ofSeconds(30));
    }

    @Test
    void aStoresBatchLimitIsCheckedWithItsReason() {
        assertThatThrownBy(() -> config(LIMITED, "sink.batch.max-size", "101"))
                .hasMessage("Option 'sink.batch.max-size' = '101' must be 1 to 100 (the store's limit).");
        assertThatThrownBy(() -> config(LIMITED, "sink.batch.max-size", "0"))
                .hasMessage("Option 'sink.batch.max-size' = '0' must be 1 to 100 (the store's limit).");
        assertThatThrownBy(() -> config(UNLIMITED, "sink.batch.max-size", "0"))
                .hasMessage("Option 'sink.batch.max-size' = '0' must be at least 1.");
        assertThat(config(UNLIMITED, "sink.batch.max-size", "10000", "sink.requests.max-buffered", "10001")
                        .maxBatchSize())
                .isEqualTo(10_000);
    }

    @Test
    void everyMistakeNamesItsOption() {
        assertThatThrownBy(() -> config(UNLIMITED, "sink.retry.max-attempts", "0"))
                .hasMessage("Option 'sink.retry.max-attempts' = '0' must be at least 1.");
        assertThatThrownBy(() -> config(UNLIMITED, "sink.retry.initial-backoff", "1 s", "sink.retry.max-backoff", "1 ms"))
                .hasMessageContaining("'sink.retry.max-backoff'")
                .hasMessageContaining("must not be below sink.retry.initial-backoff");
        assertThatThrownBy(() -> config(UNLIMITED, "sink.requests.max-buffered", "5000"))
                .hasMessage("Option 'sink.requests.max-buffered' = '5000' must be greater than sink.batch.max-size "
                        + "(5000).");
        assertThatThrownBy(() -> config(UNLIMITED, "sink.flush-buffer.size", "1kb"))
                .hasMessage("Option 'sink.flush-buffer.size' = '1024 bytes' must be at least 64kb.");
    }

    @Test
    void theDeadLetterPathIsPerSubtaskAndTheInFlightLimitCoversEveryAttempt() {
        StoreConfig config = config(UNLIMITED, "sink.dead-letter.path", " /tmp/dead-{subtask}.jsonl ",
                "sink.retry.max-attempts", "3", "sink.request.timeout", "10 s", "sink.retry.max-backoff", "5 s");
        assertThat(config.deadLetterPath(2)).isEqualTo("/tmp/dead-2.jsonl");
        assertThat(config(UNLIMITED).deadLetterPath(2)).isNull();
        assertThat(config.inFlightTimeoutMillis()).isEqualTo(3 * (10_000 + 5_000) + 60_000);
    }
}
