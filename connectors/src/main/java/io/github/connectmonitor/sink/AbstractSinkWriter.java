package io.github.connectmonitor.sink;

import io.github.connectmonitor.Distribution;
import io.github.connectmonitor.ManagedFlinkMetrics;
import org.apache.flink.api.common.operators.MailboxExecutor;
import org.apache.flink.api.common.operators.ProcessingTimeService;
import org.apache.flink.api.connector.sink2.WriterInitContext;
import org.apache.flink.connector.base.sink.writer.AsyncSinkWriter;
import org.apache.flink.connector.base.sink.writer.BufferedRequestState;
import org.apache.flink.connector.base.sink.writer.ElementConverter;
import org.apache.flink.connector.base.sink.writer.ResultHandler;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.MetricGroup;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.Paths;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.DoubleSupplier;

/**
 * What the sinks' writers do alike, on Flink's async-sink writer (which buffers, batches, applies
 * back-pressure and handles checkpoints): entries the sink could not map go straight to the dead
 * letters, the rest is handed to the store's {@link #submitBatch} in batches; retries wait out the
 * {@link RetryPolicy}'s backoff on the task's processing-time service; the metrics are the same
 * for every store, so dashboards work for either:
 *
 * <ul>
 *   <li>counters {@value #REJECTED_RECORDS_METRIC} (dead letters) and {@value
 *       #RETRIED_REQUESTS_METRIC} (requests tried again);
 *   <li>distributions ({@link Distribution}) {@code writeRequestMillis} (one batch, retries
 *       included), {@code recordsPerRequest} and {@code rowTimeToStoredMillis} (from a row's own
 *       time to the store accepting it), the freshness measure of the last stage.
 * </ul>
 *
 * <p>A store settles each batch's answers on the task's mailbox thread ({@link #mailbox()}), so the
 * dead-letter file and the metrics need no locking.
 */
public abstract class AbstractSinkWriter<InputT, EntryT extends SinkEntry> extends AsyncSinkWriter<InputT, EntryT> {

    /** Counter of entries that were dead-lettered instead of written. */
    public static final String REJECTED_RECORDS_METRIC = "numRecordsRejected";

    /** Counter of write requests that were retried after a transient error. */
    public static final String RETRIED_REQUESTS_METRIC = "numRequestsRetried";

    /** Runs an action on the task thread after a delay. */
    @FunctionalInterface
    public interface Scheduler {
        void schedule(long delayMillis, Runnable action);
    }

    private final Logger log = LoggerFactory.getLogger(getClass());
    private final SinkConfig config;
    private final int subtask;
    private final MailboxExecutor mailbox;
    private final Scheduler scheduler;
    private final DoubleSupplier random;
    private final RetryPolicy retryPolicy;
    private final DeadLetterWriter deadLetters;
    private final Counter rejectedRecords;
    private final Counter retriedRequests;
    private final Distribution requestLatency;
    private final Distribution batchFill;
    private final Distribution storedLag;

    /**
     * @param deadLetterTarget what the entries are written to, as dead-letter log lines name it
     * @param scheduler delays retries; null for the task's processing-time service
     * @param random jitter source in [0, 1); null for {@link ThreadLocalRandom}
     * @param clock the time dead letters are stamped with
     */
    protected AbstractSinkWriter(
            ElementConverter<InputT, EntryT> elementConverter,
            WriterInitContext context,
            SinkConfig config,
            Collection<BufferedRequestState<EntryT>> states,
            String deadLetterTarget,
            Scheduler scheduler,
            DoubleSupplier random,
            Clock clock) {
        super(elementConverter, context, config.writerConfiguration(), states);
        this.config = config;
        this.subtask = context.getTaskInfo().getIndexOfThisSubtask();
        this.mailbox = context.getMailboxExecutor();
        this.scheduler =
                scheduler != null ? scheduler : processingTimeScheduler(context.getProcessingTimeService());
        this.random = random != null ? random : () -> ThreadLocalRandom.current().nextDouble();
        this.retryPolicy = config.retryPolicy();
        String deadLetterPath = config.deadLetterPath(subtask);
        this.deadLetters =
                new DeadLetterWriter(
                        deadLetterTarget, deadLetterPath == null ? null : Paths.get(deadLetterPath), clock);
        MetricGroup metrics = context.metricGroup().addGroup(ManagedFlinkMetrics.GROUP);
        this.rejectedRecords = metrics.counter(REJECTED_RECORDS_METRIC);
        this.retriedRequests = metrics.counter(RETRIED_REQUESTS_METRIC);
        this.requestLatency = Distribution.register(context.metricGroup(), "writeRequestMillis");
        this.batchFill = Distribution.register(context.metricGroup(), "recordsPerRequest");
        this.storedLag = Distribution.register(context.metricGroup(), "rowTimeToStoredMillis");
    }

    @Override
    protected final void submitRequestEntries(List<EntryT> entries, ResultHandler<EntryT> resultHandler) {
        List<EntryT> sendable = new ArrayList<>(entries.size());
        try {
            for (EntryT entry : entries) {
                if (entry.isValid()) {
                    sendable.add(entry);
                } else {
                    deadLetterUnsendable(entry);
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
        submitBatch(sendable, resultHandler);
    }

    /** Sends one batch of valid entries and settles it through {@code resultHandler}. */
    protected abstract void submitBatch(List<EntryT> batch, ResultHandler<EntryT> resultHandler);

    /** Dead-letters an entry the sink refused before sending (see {@link SinkEntry#invalidReason}). */
    protected abstract void deadLetterUnsendable(EntryT entry) throws IOException;

    /** Counts one dead letter and writes it: a WARN line and, if configured, a line of the file. */
    protected final void deadLetter(String refusal, String reason, String entry, JsonObject members)
            throws IOException {
        rejectedRecords.inc();
        deadLetters.write(refusal, reason, entry, members);
    }

    /** Counts a dead letter that cannot be written (the store named an entry the batch does not have). */
    protected final void countRejected() {
        rejectedRecords.inc();
    }

    protected final SinkException deadLetterFailure(IOException e) {
        return new SinkException(
                "Could not append to the dead-letter file set by '"
                        + SinkOptions.DEAD_LETTER_PATH.key()
                        + "': "
                        + e.getMessage(),
                e);
    }

    /**
     * After failed attempt number {@code attempt}: schedules {@code nextAttempt} after the backoff
     * and logs it, or returns false when no attempt is left (the caller then fails the job).
     *
     * @param request the request as the log line names it, e.g. "WriteRecords of 3 records to d.t"
     */
    protected final boolean retryLater(int attempt, String request, String problem, Runnable nextAttempt) {
        if (!retryPolicy.canRetry(attempt)) {
            return false;
        }
        long delay = retryPolicy.backoffMillis(attempt, random);
        retriedRequests.inc();
        log.info(
                "{} failed (attempt {} of {}), retrying in {} ms: {}",
                request,
                attempt,
                retryPolicy.maxAttempts(),
                delay,
                problem);
        scheduler.schedule(delay, nextAttempt);
        return true;
    }

    /** Records how long one batch took, from its first request to its settlement. */
    protected final void recordRequestMillis(long millis) {
        requestLatency.record(millis);
    }

    /** Records, for each entry the store has just accepted, the time from the row's own time. */
    protected final void recordStored(List<EntryT> entries) {
        long now = System.currentTimeMillis();
        for (EntryT entry : entries) {
            if (entry.timeMillis() != null) {
                storedLag.record(now - entry.timeMillis());
            }
        }
    }

    protected final MailboxExecutor mailbox() {
        return mailbox;
    }

    protected final int subtask() {
        return subtask;
    }

    @Override
    protected final long getSizeInBytes(EntryT entry) {
        return entry.sizeInBytes();
    }

    /**
     * With {@code sink.flush-on-checkpoint} (the default) the whole buffer is written before a
     * checkpoint completes, so checkpoints hold no entries; otherwise only in-flight requests are
     * awaited and the buffer goes into the checkpoint.
     */
    @Override
    public void flush(boolean endOfInput) throws InterruptedException {
        super.flush(endOfInput || config.flushOnCheckpoint());
    }

    /** Closes the dead-letter file; a store closing its client calls this last. */
    @Override
    public void close() {
        try {
            deadLetters.close();
        } catch (IOException e) {
            log.warn("Could not close the dead-letter file", e);
        }
        super.close();
    }

    public long rejectedRecordCount() {
        return rejectedRecords.getCount();
    }

    public long retriedRequestCount() {
        return retriedRequests.getCount();
    }

    /** Daemon threads named {@code <prefix>-1, -2, …}, for a writer's I/O pool. */
    protected static ThreadFactory daemonThreads(String prefix) {
        AtomicInteger count = new AtomicInteger();
        return runnable -> {
            Thread thread = new Thread(runnable, prefix + "-" + count.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        };
    }

    private static Scheduler processingTimeScheduler(ProcessingTimeService time) {
        return (delayMillis, action) ->
                time.registerTimer(time.getCurrentProcessingTime() + delayMillis, now -> action.run());
    }
}
