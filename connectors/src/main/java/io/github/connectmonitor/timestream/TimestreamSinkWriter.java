package io.github.connectmonitor.timestream;

import io.github.connectmonitor.sink.AbstractSinkWriter;
import io.github.connectmonitor.sink.JsonObject;
import io.github.connectmonitor.sink.RetryPolicy;
import io.github.connectmonitor.sink.SinkException;
import io.github.connectmonitor.sink.SinkOptions;
import org.apache.flink.api.connector.sink2.WriterInitContext;
import org.apache.flink.connector.base.sink.writer.BufferedRequestState;
import org.apache.flink.connector.base.sink.writer.ElementConverter;
import org.apache.flink.connector.base.sink.writer.ResultHandler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.services.timestreamwrite.TimestreamWriteClient;
import software.amazon.awssdk.services.timestreamwrite.model.RejectedRecord;
import software.amazon.awssdk.services.timestreamwrite.model.RejectedRecordsException;
import software.amazon.awssdk.services.timestreamwrite.model.WriteRecordsRequest;

import java.io.IOException;
import java.time.Clock;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.DoubleSupplier;

/**
 * Sends batches of at most 100 records to Timestream; the shared writer ({@link AbstractSinkWriter})
 * dead-letters the records the sink could not map (no time, no measure, too large) and keeps the
 * metrics. Each batch is settled here:
 *
 * <ul>
 *   <li>a RejectedRecords answer means the service wrote the rest of the batch: the listed records
 *       go to the dead letters (with reason and existing version), nothing is resent;
 *   <li>throttling, 5xx and network errors ({@link TimestreamErrors}) are retried within the same
 *       in-flight slot after an exponential, jittered backoff, so a struggling table slows the job
 *       (back-pressure) instead of growing a queue; after the last attempt the job fails;
 *   <li>any other error fails the job at once.
 * </ul>
 *
 * <p>The blocking SDK call runs on a small thread pool; its outcome is handled on the task's
 * mailbox thread, so the dead-letter file and the metrics need no locking.
 */
public class TimestreamSinkWriter<InputT> extends AbstractSinkWriter<InputT, TimestreamRecord> {

    private static final Logger LOG = LoggerFactory.getLogger(TimestreamSinkWriter.class);

    private final TimestreamSinkConfig config;
    private final TimestreamWriteClient client;
    private final Executor ioExecutor;
    private final ExecutorService ownedExecutor;
    private final WriteRequestBuilder requestBuilder;

    TimestreamSinkWriter(
            ElementConverter<InputT, TimestreamRecord> elementConverter,
            WriterInitContext context,
            TimestreamSinkConfig config,
            Collection<BufferedRequestState<TimestreamRecord>> states,
            TimestreamWriteClient client) {
        this(elementConverter, context, config, states, client, null, null, null, Clock.systemUTC());
    }

    /**
     * @param ioExecutor runs the blocking SDK calls; null for a pool of {@code
     *     sink.requests.max-inflight} daemon threads owned by the writer
     * @param scheduler delays retries; null for the task's processing-time service
     * @param random jitter source in [0, 1); null for {@link ThreadLocalRandom}
     */
    TimestreamSinkWriter(
            ElementConverter<InputT, TimestreamRecord> elementConverter,
            WriterInitContext context,
            TimestreamSinkConfig config,
            Collection<BufferedRequestState<TimestreamRecord>> states,
            TimestreamWriteClient client,
            Executor ioExecutor,
            Scheduler scheduler,
            DoubleSupplier random,
            Clock clock) {
        super(elementConverter, context, config, states,
                "Timestream table " + config.database() + "." + config.table(), scheduler, random, clock);
        this.config = config;
        this.client = client;
        if (ioExecutor == null) {
            this.ownedExecutor =
                    Executors.newFixedThreadPool(
                            config.maxInFlightRequests(), daemonThreads("timestream-writer-" + subtask()));
            this.ioExecutor = ownedExecutor;
        } else {
            this.ownedExecutor = null;
            this.ioExecutor = ioExecutor;
        }
        this.requestBuilder = new WriteRequestBuilder(config.database(), config.table());
    }

    @Override
    protected void submitBatch(List<TimestreamRecord> batch, ResultHandler<TimestreamRecord> resultHandler) {
        long started = System.currentTimeMillis();
        ResultHandler<TimestreamRecord> measured = new ResultHandler<>() {
            @Override
            public void complete() {
                recordRequestMillis(System.currentTimeMillis() - started);
                recordStored(batch);
                resultHandler.complete();
            }

            @Override
            public void completeExceptionally(Exception e) {
                resultHandler.completeExceptionally(e);
            }

            @Override
            public void retryForEntries(List<TimestreamRecord> entries) {
                resultHandler.retryForEntries(entries);
            }
        };
        send(batch, requestBuilder.build(batch), 1, measured);
    }

    private void send(
            List<TimestreamRecord> batch,
            WriteRecordsRequest request,
            int attempt,
            ResultHandler<TimestreamRecord> resultHandler) {
        CompletableFuture.supplyAsync(() -> client.writeRecords(request), ioExecutor)
                .whenComplete(
                        (response, error) ->
                                mailbox().execute(
                                        () -> settle(batch, request, attempt, error, resultHandler),
                                        "Settle Timestream WriteRecords of %d records",
                                        batch.size()));
    }

    private void settle(
            List<TimestreamRecord> batch,
            WriteRecordsRequest request,
            int attempt,
            Throwable error,
            ResultHandler<TimestreamRecord> resultHandler) {
        if (error == null) {
            resultHandler.complete();
            return;
        }
        Throwable cause = RetryPolicy.unwrap(error);
        switch (TimestreamErrors.classify(cause)) {
            case REJECTED:
                try {
                    deadLetterRejected(batch, (RejectedRecordsException) cause);
                } catch (IOException e) {
                    resultHandler.completeExceptionally(deadLetterFailure(e));
                    return;
                }
                resultHandler.complete();
                return;
            case RETRY:
                String what =
                        "WriteRecords of " + batch.size() + " records to " + config.database() + "."
                                + config.table();
                Runnable nextAttempt = () -> send(batch, request, attempt + 1, resultHandler);
                if (!retryLater(attempt, what, cause.toString(), nextAttempt)) {
                    resultHandler.completeExceptionally(
                            new SinkException(
                                    String.format(
                                            "WriteRecords to %s.%s still failed after %d attempts; "
                                                    + "last error: %s. Check the table's write "
                                                    + "quota/throttling and network, or raise '%s'.",
                                            config.database(),
                                            config.table(),
                                            attempt,
                                            cause,
                                            SinkOptions.RETRY_MAX_ATTEMPTS.key()),
                                    cause));
                }
                return;
            default:
                resultHandler.completeExceptionally(
                        new SinkException(
                                String.format(
                                        "WriteRecords to %s.%s in %s failed and cannot succeed on "
                                                + "retry: %s. Check that the database and table "
                                                + "exist, the job's role may call "
                                                + "timestream:WriteRecords and "
                                                + "timestream:DescribeEndpoints, and the options "
                                                + "'%s'/'%s'.",
                                        config.database(),
                                        config.table(),
                                        config.region(),
                                        cause,
                                        TimestreamConnectorOptions.REGION.key(),
                                        TimestreamConnectorOptions.ENDPOINT.key()),
                                cause));
        }
    }

    private void deadLetterRejected(List<TimestreamRecord> batch, RejectedRecordsException e)
            throws IOException {
        if (!e.hasRejectedRecords() || e.rejectedRecords().isEmpty()) {
            // Without indexes nothing tells which records were written; do not guess, keep them all.
            for (TimestreamRecord record : batch) {
                deadLetter(
                        record,
                        "service",
                        "RejectedRecordsException without record details: " + e.getMessage(),
                        null);
            }
            return;
        }
        for (RejectedRecord rejected : e.rejectedRecords()) {
            Integer index = rejected.recordIndex();
            if (index == null || index < 0 || index >= batch.size()) {
                LOG.error(
                        "Timestream rejected record index {} of a {}-record request to {}.{}: {}",
                        index,
                        batch.size(),
                        config.database(),
                        config.table(),
                        rejected.reason());
                countRejected();
                continue;
            }
            deadLetter(batch.get(index), "service", rejected.reason(), rejected.existingVersion());
        }
    }

    @Override
    protected void deadLetterUnsendable(TimestreamRecord record) throws IOException {
        deadLetter(record, "sink", record.invalidReason(), null);
    }

    /**
     * One dead letter: {@code {"at":…,"database":…,"table":…,"source":"service"|"sink","reason":…,
     * "existingVersion":…,"record":{…}}}, {@code source} being who refused the record.
     */
    private void deadLetter(TimestreamRecord record, String source, String reason, Long existingVersion)
            throws IOException {
        deadLetter(
                source + " refused it",
                existingVersion == null ? reason : reason + " (existing version " + existingVersion + ")",
                "record: " + record,
                new JsonObject()
                        .string("database", config.database())
                        .string("table", config.table())
                        .string("source", source)
                        .string("reason", reason)
                        .number("existingVersion", existingVersion)
                        .object("record", record.toJson()));
    }

    @Override
    public void close() {
        if (ownedExecutor != null) {
            ownedExecutor.shutdownNow();
        }
        client.close();
        super.close();
    }
}
