package io.github.connectmonitor.timestream;

import io.github.connectmonitor.sink.SinkException;
import io.github.connectmonitor.sink.SinkTesting;
import io.github.connectmonitor.sink.TestWriterContext;
import org.apache.flink.connector.base.sink.writer.BufferedRequestState;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.timestreamwrite.model.ValidationException;
import software.amazon.awssdk.services.timestreamwrite.model.WriteRecordsRequest;

import java.nio.file.Path;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import static io.github.connectmonitor.sink.SinkTesting.causeOfType;
import static io.github.connectmonitor.sink.SinkTesting.deadLetters;
import static io.github.connectmonitor.sink.SinkTesting.throughCheckpoint;
import static io.github.connectmonitor.sink.SinkTesting.write;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The writer on Flink's real async-sink machinery (mailbox, buffer, metrics) with a scripted
 * Timestream client. SDK calls and retry delays run inline, so every test is deterministic.
 */
class TimestreamSinkWriterTest {

    @TempDir Path tmp;

    private final StubTimestreamClient client = new StubTimestreamClient();
    private final SinkTesting.ImmediateRetries retries = new SinkTesting.ImmediateRetries();
    private TimestreamSinkWriter<TimestreamRecord> writer;

    private TimestreamSinkWriter<TimestreamRecord> writer(Map<String, String> options) {
        options.put("sink.dead-letter.path", tmp.resolve("dead-letters-{subtask}.jsonl").toString());
        writer =
                new TimestreamSinkWriter<>(
                        (element, context) -> element,
                        new TestWriterContext(),
                        TestOptions.config(options),
                        Collections.emptyList(),
                        client,
                        Runnable::run,
                        retries,
                        () -> 0.5,
                        SinkTesting.CLOCK);
        return writer;
    }

    private TimestreamSinkWriter<TimestreamRecord> writer() {
        return writer(TestOptions.base());
    }

    @AfterEach
    void close() {
        if (writer != null) {
            writer.close();
        }
    }

    @Test
    void batchesHoldAtMostOneHundredRecords() throws Exception {
        writer();
        for (int i = 0; i < 250; i++) {
            write(writer, Records.queue("q-" + i, i));
        }
        writer.flush(true);

        List<Integer> sizes = client.requests().stream().map(r -> r.records().size()).collect(Collectors.toList());
        assertThat(sizes).allSatisfy(size -> assertThat(size).isBetween(1, 100));
        assertThat(sizes.stream().mapToInt(Integer::intValue).sum()).isEqualTo(250);
        assertThat(sizes).contains(100);
    }

    @Test
    void aSmallerBatchSizeIsHonoured() throws Exception {
        Map<String, String> options = TestOptions.base();
        options.put("sink.batch.max-size", "7");
        writer(options);
        for (int i = 0; i < 20; i++) {
            write(writer, Records.queue("q-" + i, i));
        }
        writer.flush(true);

        assertThat(client.requests()).allSatisfy(r -> assertThat(r.records().size()).isLessThanOrEqualTo(7));
    }

    @Test
    void rejectedRecordsGoToTheDeadLettersAndAreNeverResent() throws Exception {
        client.thenThrow(StubTimestreamClient.rejected(1, "A record with this version already exists.", 5L));
        writer();
        write(writer, Records.queue("q-0", 10), Records.queue("q-1", 11), Records.queue("q-2", 12));
        writer.flush(true);

        // Timestream wrote q-0 and q-2 and rejected q-1: one request, nothing sent again.
        assertThat(client.requests()).hasSize(1);
        assertThat(writer.rejectedRecordCount()).isEqualTo(1);
        assertThat(deadLetters(tmp))
                .containsExactly(
                        "{\"at\":\"2026-11-24T10:00:00Z\",\"database\":\"connect\",\"table\":\"queue_metrics\","
                                + "\"source\":\"service\",\"reason\":\"A record with this version already exists.\","
                                + "\"existingVersion\":5,\"record\":{\"measureName\":\"queue\",\"time\":1700000000000,"
                                + "\"version\":null,\"dimensions\":{\"instance_id\":\"i-1\",\"queue_id\":\"q-1\"},"
                                + "\"measures\":{\"calls\":{\"type\":\"BIGINT\",\"value\":\"11\"}}}}");
    }

    @Test
    void aRecordTheSinkCannotWriteDoesNotBlockItsBatch() throws Exception {
        writer();
        TimestreamRecord bad = Records.record().time(null).dim("queue_id", "q-x").invalid("time column 'time' is null").build();
        write(writer, Records.queue("q-0", 1), bad, Records.queue("q-1", 2));
        writer.flush(true);

        assertThat(client.requests()).hasSize(1);
        assertThat(client.requests().get(0).records()).hasSize(2);
        assertThat(writer.rejectedRecordCount()).isEqualTo(1);
        assertThat(deadLetters(tmp)).singleElement().asString()
                .contains("\"source\":\"sink\"", "\"reason\":\"time column 'time' is null\"", "\"time\":null");
    }

    @Test
    void aBatchOfOnlyUnwritableRecordsSendsNothing() throws Exception {
        writer();
        write(writer, Records.record().invalid("all measure columns are null").build());
        writer.flush(true);

        assertThat(client.requests()).isEmpty();
        assertThat(deadLetters(tmp)).hasSize(1);
    }

    @Test
    void throttlingAndServerErrorsAreRetriedWithGrowingBackoff() throws Exception {
        client.thenThrow(StubTimestreamClient.throttling())
                .thenThrow(StubTimestreamClient.internalError())
                .thenSucceed();
        writer();
        write(writer, Records.queue("q-0", 1), Records.queue("q-1", 2));
        writer.flush(true);

        assertThat(client.requests()).hasSize(3);
        assertThat(client.requests()).extracting(WriteRecordsRequest::records).allSatisfy(r -> assertThat(r).hasSize(2));
        // Jitter draws 0.5 here: half of the 100 ms and 200 ms caps.
        assertThat(retries.delays()).containsExactly(50L, 100L);
        assertThat(writer.retriedRequestCount()).isEqualTo(2);
        assertThat(writer.rejectedRecordCount()).isZero();
        assertThat(deadLetters(tmp)).isEmpty();
    }

    @Test
    void retriesEndAtTheAttemptLimitAndFailTheJob() throws Exception {
        Map<String, String> options = TestOptions.base();
        options.put("sink.retry.max-attempts", "3");
        for (int i = 0; i < 5; i++) {
            client.thenThrow(StubTimestreamClient.throttling());
        }
        writer(options);
        write(writer, Records.queue("q-0", 1));

        assertThatThrownBy(() -> writer.flush(true))
                .satisfies(e -> assertThat(causeOfType(e, SinkException.class))
                        .hasMessageContaining("still failed after 3 attempts")
                        .hasMessageContaining("sink.retry.max-attempts"));
        assertThat(client.requests()).hasSize(3);
    }

    @Test
    void anErrorRetryingCannotFixFailsTheJobAtOnce() throws Exception {
        client.thenThrow(ValidationException.builder().statusCode(400).message("Invalid measure name").build());
        writer();
        write(writer, Records.queue("q-0", 1));

        assertThatThrownBy(() -> writer.flush(true))
                .satisfies(e -> assertThat(causeOfType(e, SinkException.class))
                        .hasMessageContaining("connect.queue_metrics")
                        .hasMessageContaining("Invalid measure name"));
        assertThat(client.requests()).hasSize(1);
    }

    @Test
    void aCheckpointWritesTheWholeBuffer() throws Exception {
        writer();
        write(writer, Records.queue("q-0", 1), Records.queue("q-1", 2), Records.queue("q-2", 3));
        assertThat(client.requests()).as("below the batch size nothing is sent yet").isEmpty();

        writer.flush(false); // what Flink calls before a checkpoint barrier

        assertThat(client.requests()).hasSize(1);
        assertThat(writer.snapshotState(1).get(0).getBufferedRequestEntries()).isEmpty();
    }

    @Test
    void withoutFlushOnCheckpointTheBufferGoesIntoTheCheckpoint() throws Exception {
        Map<String, String> options = TestOptions.base();
        options.put("sink.flush-on-checkpoint", "false");
        writer(options);
        TimestreamRecord invalid = Records.record().time(null).invalid("all measure columns are null").build();
        write(writer, Records.queue("q-0", 1), invalid);

        writer.flush(false);
        List<BufferedRequestState<TimestreamRecord>> state = writer.snapshotState(1);

        assertThat(client.requests()).isEmpty();
        assertThat(throughCheckpoint(new TimestreamRecordStateSerializer(), state.get(0))).containsExactly(Records.queue("q-0", 1), invalid);
    }

    @Test
    void closeReleasesTheClient() {
        writer().close();
        writer = null;

        assertThat(client.isClosed()).isTrue();
    }
}
