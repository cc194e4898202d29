package io.github.connectmonitor.timestream;

import io.github.connectmonitor.Distribution;
import io.github.connectmonitor.ManagedFlinkMetrics;
import org.apache.flink.api.common.operators.MailboxExecutor;
import org.apache.flink.api.common.operators.ProcessingTimeService;
import org.apache.flink.api.connector.sink2.WriterInitContext;
import org.apache.flink.connector.base.sink.writer.AsyncSinkWriter;
import org.apache.flink.connector.base.sink.writer.BufferedRequestState;
import org.apache.flink.connector.base.sink.writer.ElementConverter;
import org.apache.flink.connector.base.sink.writer.ResultHandler;
import org.apache.flink.connector.base.sink.writer.config.AsyncSinkWriterConfiguration;
import org.apache.flink.metrics.Counter;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.services.timestreamwrite.TimestreamWriteClient;
import software.amazon.awssdk.services.timestreamwrite.model.RejectedRecord;
import software.amazon.awssdk.services.timestreamwrite.model.RejectedRecordsException;
import software.amazon.awssdk.services.timestreamwrite.model.WriteRecordsRequest;

import java.io.IOException;
import java.nio.file.Paths;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.DoubleSupplier;

/**
 * Sends batches of at most 100 records to Timestream. The async-sink base does the buffering,
 * batching, back-pressure and checkpoint handling; this class sends one batch per call and settles
 * it:
 *
 * <ul>
 *   <li>records the sink could not map (no time, no measure, too large) go straight to the dead
 *       letters;
 *   <li>a RejectedRecords answer means the service wrote the rest of the batch: the listed records
 *       go to the dead letters (with reason and existing version), nothing is resent;
 *   <li>throttling, 5xx and network errors are retried within the same in-flight slot after an
 *       exponential, jittered backoff, so a struggling table slows the job (back-pressure) instead
 *       of growing a queue; after the last attempt the job fails;
 *   <li>any other error fails the job at once.
 * </ul>
 *
 * <p>The blocking SDK call runs on a small thread pool; its outcome is handled on the task's
 * mailbox thread, so the dead-letter file and the metrics need no locking.
 */
public class TimestreamSinkWriter<InputT> extends AsyncSinkWriter<InputT, TimestreamRecord> {

    private static final Logger LOG = LoggerFactory.getLogger(TimestreamSinkWriter.class);

    /** Counter of records that were dead-lettered instead of written. */
    public static final String REJECTED_RECORDS_METRIC = "numRecordsRejected";

    /** Counter of WriteRecords calls that were retried after a transient error. */
    public static final String RETRIED_REQUESTS_METRIC = "numRequestsRetried";

    /** Runs an action on the task thread after a delay. */
    @FunctionalInterface
    interface Scheduler {
        void schedule(long delayMillis, Runnable action);
    }

    private final TimestreamSinkConfig config;
    private final TimestreamWriteClient client;
    private final Executor ioExecutor;
    private final ExecutorService ownedExecutor;
    private final MailboxExecutor mailbox;
    private final Scheduler scheduler;
    private final DoubleSupplier random;
    private final RetryPolicy retryPolicy;
    private final WriteRequestBuilder requestBuilder;
    private final DeadLetterWriter deadLetters;
    private final Counter rejectedRecords;
    private final Counter retriedRequests;
    private final Distribution requestLatency;
    private final Distribution batchFill;
    private final Distribution storedLag;

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
        super(elementConverter, context, writerConfiguration(config), states);
        this.config = config;
        this.client = client;
        if (ioExecutor == null) {
            this.ownedExecutor =
                    Executors.newFixedThreadPool(
                            config.maxInFlightRequests(),
                            daemonThreads("timestream-writer-" + context.getTaskInfo().getIndexOfThisSubtask()));
            this.ioExecutor = ownedExecutor;
        } else {
            this.ownedExecutor = null;
            this.ioExecutor = ioExecutor;
        }
        this.mailbox = context.getMailboxExecutor();
        this.scheduler =
                scheduler != null ? scheduler : processingTimeScheduler(context.getProcessingTimeService());
        this.random = random != null ? random : () -> ThreadLocalRandom.current().nextDouble();
        this.retryPolicy =
                new RetryPolicy(config.maxAttempts(), config.initialBackoff(), config.maxBackoff());
        this.requestBuilder = new WriteRequestBuilder(config.database(), config.table());
        String deadLetterPath = config.deadLetterPath(context.getTaskInfo().getIndexOfThisSubtask());
        this.deadLetters =
                new DeadLetterWriter(
                        config.database(),
                        config.table(),
                        deadLetterPath == null ? null : Paths.get(deadLetterPath),
                        clock);
        org.apache.flink.metrics.MetricGroup metrics = context.metricGroup().addGroup(ManagedFlinkMetrics.GROUP);
        this.rejectedRecords = metrics.counter(REJECTED_RECORDS_METRIC);
        this.retriedRequests = metrics.counter(RETRIED_REQUESTS_METRIC);
        // Freshness, last stage: one WriteRecords call (retries included), how full the calls are, and from a
        // row's own time to Timestream accepting it.
        this.requestLatency = Distribution.register(context.metricGroup(), "writeRequestMillis");
        this.batchFill = Distribution.register(context.metricGroup(), "recordsPerRequest");
        this.storedLag = Distribution.register(context.metricGroup(), "rowTimeToStoredMillis");
    }

    static AsyncSinkWriterConfiguration writerConfiguration(TimestreamSinkConfig config) {
        return AsyncSinkWriterConfiguration.builder()
                .setMaxBatchSize(config.maxBatchSize())
                .setMaxBatchSizeInBytes(config.flushBufferBytes())
                .setMaxInFlightRequests(config.maxInFlightRequests())
                .setMaxBufferedRequests(config.maxBufferedRequests())
                .setMaxTimeInBufferMS(config.flushBufferTimeoutMillis())
                .setMaxRecordSizeInBytes(config.flushBufferBytes())
                .setRequestTimeoutMS(config.inFlightTimeoutMillis())
                .setFailOnTimeout(false)
                .build();
    }

    @Override
    protected void submitRequestEntries(
            List<TimestreamRecord> entries, ResultHandler<TimestreamRecord> resultHandler) {
        List<TimestreamRecord> sendable = new ArrayList<>(entries.size());
        try {
            for (TimestreamRecord entry : entries) {
                if (entry.isValid()) {
                    sendable.add(entry);
                } else {
                    deadLetter(entry, DeadLetterWriter.Source.SINK, entry.invalidReason(), null);
                }
            }
        } catch (IOException e) {
            resultHandler.completeExceptionally(deadLetterFailure(e));
            return;
        }
        if (sendable.isEmpty()) {
            resultHandler.complete();
            return;
        }
        batchFill.record(sendable.size());
        long started = System.currentTimeMillis();
        ResultHandler<TimestreamRecord> measured = new ResultHandler<>() {
            @Override
            public void complete() {
                long now = System.currentTimeMillis();
                requestLatency.record(now - started);
                for (TimestreamRecord record : sendable) {
                    if (record.timeMillis() != null) {
                        storedLag.record(now - record.timeMillis());
                    }
                }
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
        send(sendable, requestBuilder.build(sendable), 1, measured);
    }

    private void send(
            List<TimestreamRecord> batch,
            WriteRecordsRequest request,
            int attempt,
            ResultHandler<TimestreamRecord> resultHandler) {
        CompletableFuture.supplyAsync(() -> client.writeRecords(request), ioExecutor)
                .whenComplete(
                        (response, error) ->
                                mailbox.execute(
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
        switch (RetryPolicy.classify(cause)) {
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
                if (!retryPolicy.canRetry(attempt)) {
                    resultHandler.completeExceptionally(
                            new TimestreamSinkException(
                                    String.format(
                                            "WriteRecords to %s.%s still failed after %d attempts; "
                                                    + "last error: %s. Check the table's write "
                                                    + "quota/throttling and network, or raise '%s'.",
                                            config.database(),
                                            config.table(),
                                            attempt,
                                            cause,
                                            TimestreamConnectorOptions.RETRY_MAX_ATTEMPTS.key()),
                                    cause));
                    return;
                }
                long delay = retryPolicy.backoffMillis(attempt, random);
                retriedRequests.inc();
                LOG.info(
                        "WriteRecords of {} records to {}.{} failed (attempt {} of {}), retrying in {} ms: {}",
                        batch.size(),
                        config.database(),
                        config.table(),
                        attempt,
                        retryPolicy.maxAttempts(),
                        delay,
                        cause.toString());
                scheduler.schedule(delay, () -> send(batch, request, attempt + 1, resultHandler));
                return;
            default:
                resultHandler.completeExceptionally(
                        new TimestreamSinkException(
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
                        DeadLetterWriter.Source.SERVICE,
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
                rejectedRecords.inc();
                continue;
            }
            deadLetter(
                    batch.get(index),
                    DeadLetterWriter.Source.SERVICE,
                    rejected.reason(),
                    rejected.existingVersion());
        }
    }

    private void deadLetter(
            TimestreamRecord record, DeadLetterWriter.Source source, String reason, Long existingVersion)
            throws IOException {
        rejectedRecords.inc();
        deadLetters.write(record, source, reason, existingVersion);
    }

    private TimestreamSinkException deadLetterFailure(IOException e) {
        return new TimestreamSinkException(
                "Could not append to the dead-letter file set by '"
                        + TimestreamConnectorOptions.DEAD_LETTER_PATH.key()
                        + "': "
                        + e.getMessage(),
                e);
    }

    @Override
    protected long getSizeInBytes(TimestreamRecord record) {
        return record.estimatedSizeInBytes();
    }

    /**
     * With {@code sink.flush-on-checkpoint} (the default) the whole buffer is written before a
     * checkpoint completes, so checkpoints hold no records; otherwise only in-flight requests are
     * awaited and the buffer goes into the checkpoint.
     */
    @Override
    public void flush(boolean endOfInput) throws InterruptedException {
        super.flush(endOfInput || config.flushOnCheckpoint());
    }

    @Override
    public void close() {
        try {
            deadLetters.close();
        } catch (IOException e) {
            LOG.warn("Could not close the dead-letter file", e);
        }
        if (ownedExecutor != null) {
            ownedExecutor.shutdownNow();
        }
        client.close();
        super.close();
    }

    long rejectedRecordCount() {
        return rejectedRecords.getCount();
    }

    long retriedRequestCount() {
        return retriedRequests.getCount();
    }

    private static Scheduler processingTimeScheduler(ProcessingTimeService time) {
        return (delayMillis, action) ->
                time.registerTimer(time.getCurrentProcessingTime() + delayMillis, now -> action.run());
    }

    private static java.util.concurrent.ThreadFactory daemonThreads(String prefix) {
        AtomicInteger count = new AtomicInteger();
        return runnable -> {
            Thread thread = new Thread(runnable, prefix + "-" + count.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        };
    }
}
