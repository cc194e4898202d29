package io.github.connectmonitor.influxdb;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.connectmonitor.Distribution;
import io.github.connectmonitor.ManagedFlinkMetrics;
import io.github.connectmonitor.timestream.RetryPolicy;
import org.apache.flink.api.common.operators.MailboxExecutor;
import org.apache.flink.api.common.operators.ProcessingTimeService;
import org.apache.flink.api.connector.sink2.WriterInitContext;
import org.apache.flink.connector.base.sink.writer.AsyncSinkWriter;
import org.apache.flink.connector.base.sink.writer.BufferedRequestState;
import org.apache.flink.connector.base.sink.writer.ElementConverter;
import org.apache.flink.connector.base.sink.writer.ResultHandler;
import org.apache.flink.connector.base.sink.writer.config.AsyncSinkWriterConfiguration;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.MetricGroup;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Paths;
import java.time.Clock;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.DoubleSupplier;

/**
 * Writes batches of points as InfluxDB line protocol with the JDK's HTTP client to the v1 write
 * API, {@code POST {url}/write?db={database}&precision=ms}. That endpoint is served by InfluxDB
 * 1.x, by Timestream for InfluxDB's v2 engine (its v1-compatibility API) and by InfluxDB 3, which
 * is why the sink does not use the InfluxDB v2 Java client (it speaks /api/v2/write only). With a
 * token configured every request carries {@code Authorization: Token <token>}; without, none.
 *
 * <p>The async-sink base does the buffering, batching, back-pressure and checkpoint handling; this
 * class sends one batch per call and settles it (see {@link WriteStatus}):
 *
 * <ul>
 *   <li>points the sink could not map (no time, no field, text line protocol cannot carry) go
 *       straight to the dead letters;
 *   <li>2xx: stored;
 *   <li>429, 5xx, timeouts and connection errors are retried within the same in-flight slot after
 *       an exponential, jittered backoff ({@link RetryPolicy}), so a struggling server slows the
 *       job (back-pressure) instead of growing a queue; after the last attempt the job fails;
 *   <li>400, 413, 422: the batch is bisected, and each half sent on its own, until the refused
 *       points stand alone; those go to the dead letters with the server's reason, the rest is
 *       stored. InfluxDB 1.x stores the good points of a "partial write" already; sending them again
 *       rewrites the same values at the same series and time, which changes nothing;
 *   <li>401/403 and 404 fail the job at once, naming the option to fix (token; database or url).
 * </ul>
 *
 * <p>Writes are idempotent by InfluxDB's own rule: a point with the series and time of a stored one
 * replaces its field values. Replays after a restart and corrected windows therefore overwrite,
 * without the version that Timestream needs.
 *
 * <p>Answers are handled on the task's mailbox thread, so the dead-letter file, the bisection state
 * and the metrics need no locking.
 */
public class InfluxDbSinkWriter<InputT> extends AsyncSinkWriter<InputT, InfluxDbPoint> {

    private static final Logger LOG = LoggerFactory.getLogger(InfluxDbSinkWriter.class);

    /** Counter of points that were dead-lettered instead of written (same name as Timestream's). */
    public static final String REJECTED_RECORDS_METRIC = "numRecordsRejected";

    /** Counter of write requests that were retried after a transient error. */
    public static final String RETRIED_REQUESTS_METRIC = "numRequestsRetried";

    private static final int MAX_REASON_CHARS = 2000;
    private static final ObjectMapper JSON = new ObjectMapper();

    /** Runs an action on the task thread after a delay. */
    @FunctionalInterface
    interface Scheduler {
        void schedule(long delayMillis, Runnable action);
    }

    private final InfluxDbSinkConfig config;
    private final HttpClient client;
    private final ExecutorService httpExecutor;
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

    InfluxDbSinkWriter(
            ElementConverter<InputT, InfluxDbPoint> elementConverter,
            WriterInitContext context,
            InfluxDbSinkConfig config,
            Collection<BufferedRequestState<InfluxDbPoint>> states) {
        this(elementConverter, context, config, states, null, null, Clock.systemUTC());
    }

    /**
     * @param scheduler delays retries; null for the task's processing-time service
     * @param random jitter source in [0, 1); null for {@link ThreadLocalRandom}
     */
    InfluxDbSinkWriter(
            ElementConverter<InputT, InfluxDbPoint> elementConverter,
            WriterInitContext context,
            InfluxDbSinkConfig config,
            Collection<BufferedRequestState<InfluxDbPoint>> states,
            Scheduler scheduler,
            DoubleSupplier random,
            Clock clock) {
        super(elementConverter, context, writerConfiguration(config), states);
        this.config = config;
        int subtask = context.getTaskInfo().getIndexOfThisSubtask();
        this.httpExecutor = Executors.newCachedThreadPool(daemonThreads("influxdb-writer-" + subtask));
        this.client =
                // HTTP/1.1: every InfluxDB serves it, and no h2c upgrade is attempted on http URLs.
                HttpClient.newBuilder()
                        .version(HttpClient.Version.HTTP_1_1)
                        .executor(httpExecutor)
                        .connectTimeout(config.requestTimeout())
                        .build();
        this.mailbox = context.getMailboxExecutor();
        this.scheduler =
                scheduler != null ? scheduler : processingTimeScheduler(context.getProcessingTimeService());
        this.random = random != null ? random : () -> ThreadLocalRandom.current().nextDouble();
        this.retryPolicy =
                new RetryPolicy(config.maxAttempts(), config.initialBackoff(), config.maxBackoff());
        String deadLetterPath = config.deadLetterPath(subtask);
        this.deadLetters =
                new DeadLetterWriter(
                        config.database(), deadLetterPath == null ? null : Paths.get(deadLetterPath), clock);
        MetricGroup metrics = context.metricGroup().addGroup(ManagedFlinkMetrics.GROUP);
        this.rejectedRecords = metrics.counter(REJECTED_RECORDS_METRIC);
        this.retriedRequests = metrics.counter(RETRIED_REQUESTS_METRIC);
        // Freshness, last stage, under the Timestream sink's names so dashboards work for either:
        // one batch (retries and bisection included), how full the batches are, and from a row's
        // own time to InfluxDB storing it.
        this.requestLatency = Distribution.register(context.metricGroup(), "writeRequestMillis");
        this.batchFill = Distribution.register(context.metricGroup(), "recordsPerRequest");
        this.storedLag = Distribution.register(context.metricGroup(), "rowTimeToStoredMillis");
    }

    static AsyncSinkWriterConfiguration writerConfiguration(InfluxDbSinkConfig config) {
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
            List<InfluxDbPoint> entries, ResultHandler<InfluxDbPoint> resultHandler) {
        List<InfluxDbPoint> sendable = new ArrayList<>(entries.size());
        try {
            for (InfluxDbPoint entry : entries) {
                if (entry.isValid()) {
                    sendable.add(entry);
                } else {
                    deadLetter(entry, null, entry.invalidReason());
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
        new Delivery(sendable, resultHandler).next();
    }

    /**
     * One batch until it is settled: the parts still to send (the whole batch, or after a refusal
     * its halves, first half first), each with its own attempts.
     */
    private final class Delivery {

        private final Deque<List<InfluxDbPoint>> pending = new ArrayDeque<>();
        private final ResultHandler<InfluxDbPoint> resultHandler;
        private final long started = System.currentTimeMillis();

        Delivery(List<InfluxDbPoint> batch, ResultHandler<InfluxDbPoint> resultHandler) {
            this.pending.push(batch);
            this.resultHandler = resultHandler;
        }

        void next() {
            List<InfluxDbPoint> part = pending.peek();
            if (part == null) {
                requestLatency.record(System.currentTimeMillis() - started);
                resultHandler.complete();
                return;
            }
            send(part, 1);
        }

        private void send(List<InfluxDbPoint> part, int attempt) {
            client.sendAsync(request(part), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8))
                    .whenComplete(
                            (response, error) ->
                                    mailbox.execute(
                                            () -> settle(part, attempt, response, RetryPolicy.unwrap(error)),
                                            "Settle InfluxDB write of %d points",
                                            part.size()));
        }

        private void settle(
                List<InfluxDbPoint> part, int attempt, HttpResponse<String> response, Throwable error) {
            WriteStatus status = error != null ? WriteStatus.of(error) : WriteStatus.of(response.statusCode());
            String problem = error != null ? error.toString() : "HTTP " + response.statusCode() + ": " + reason(response);
            switch (status) {
                case STORED:
                    pending.pop();
                    long now = System.currentTimeMillis();
                    for (InfluxDbPoint point : part) {
                        storedLag.record(now - point.timeMillis());
                    }
                    next();
                    return;
                case RETRY:
                    if (!retryPolicy.canRetry(attempt)) {
                        fail(
                                String.format(
                                        "Writing to InfluxDB database %s at %s still failed after %d attempts; "
                                                + "last error: %s. Check the server's load and the network, "
                                                + "or raise '%s'.",
                                        config.database(),
                                        config.url(),
                                        attempt,
                                        problem,
                                        InfluxDbConnectorOptions.RETRY_MAX_ATTEMPTS.key()),
                                error);
                        return;
                    }
                    long delay = retryPolicy.backoffMillis(attempt, random);
                    retriedRequests.inc();
                    LOG.info(
                            "InfluxDB write of {} points to {} failed (attempt {} of {}), retrying in {} ms: {}",
                            part.size(),
                            config.database(),
                            attempt,
                            retryPolicy.maxAttempts(),
                            delay,
                            problem);
                    scheduler.schedule(delay, () -> send(part, attempt + 1));
                    return;
                case REFUSED:
                    pending.pop();
                    if (part.size() == 1) {
                        try {
                            deadLetter(part.get(0), response.statusCode(), reason(response));
                        } catch (IOException e) {
                            resultHandler.completeExceptionally(deadLetterFailure(e));
                            return;
                        }
                    } else {
                        int half = part.size() / 2;
                        pending.push(part.subList(half, part.size()));
                        pending.push(part.subList(0, half));
                    }
                    next();
                    return;
                case UNAUTHORIZED:
                    fail(
                            String.format(
                                    "InfluxDB at %s refused the write to database %s (%s). Check option '%s': "
                                            + "%s.",
                                    config.url(),
                                    config.database(),
                                    problem,
                                    InfluxDbConnectorOptions.TOKEN.key(),
                                    config.token() == null
                                            ? "none is set and the server wants one"
                                            : "the token must be valid and allowed to write to this database"),
                            null);
                    return;
                case NOT_FOUND:
                    fail(
                            String.format(
                                    "InfluxDB at %s answered %s. Check option '%s' (the database must exist, "
                                            + "e.g. CREATE DATABASE %s) and option '%s' (the server's base "
                                            + "URL, without /write).",
                                    config.url(),
                                    problem,
                                    InfluxDbConnectorOptions.DATABASE.key(),
                                    config.database(),
                                    InfluxDbConnectorOptions.URL.key()),
                            null);
                    return;
                default:
                    fail(
                            String.format(
                                    "Writing to InfluxDB database %s at %s failed and cannot succeed on retry: "
                                            + "%s. Check option '%s'.",
                                    config.database(),
                                    config.url(),
                                    problem,
                                    InfluxDbConnectorOptions.URL.key()),
                            error);
            }
        }

        private void fail(String message, Throwable cause) {
            resultHandler.completeExceptionally(new InfluxDbSinkException(message, cause));
        }
    }

    private HttpRequest request(List<InfluxDbPoint> points) {
        StringBuilder body = new StringBuilder(points.size() * 96);
        for (InfluxDbPoint point : points) {
            body.append(point.line()).append('\n');
        }
        HttpRequest.Builder request =
                HttpRequest.newBuilder(config.writeUri())
                        .timeout(config.requestTimeout())
                        .header("Content-Type", "text/plain; charset=utf-8")
                        .POST(HttpRequest.BodyPublishers.ofString(body.toString(), StandardCharsets.UTF_8));
        if (config.token() != null) {
            request.header("Authorization", "Token " + config.token());
        }
        return request.build();
    }

    /**
     * The server's reason: the {@code error} (1.x) or {@code message} (2.x, 3) of its JSON body, else
     * the body itself, else the X-Influxdb-Error header.
     */
    static String reason(HttpResponse<String> response) {
        String body = response.body() == null ? "" : response.body().trim();
        String reason = body;
        if (body.startsWith("{")) {
            try {
                JsonNode json = JSON.readTree(body);
                JsonNode text = json.has("error") ? json.get("error") : json.get("message");
                if (text != null && text.isTextual()) {
                    reason = text.asText();
                }
            } catch (IOException notJson) {
                // Keep the body as it is.
            }
        }
        if (reason.isEmpty()) {
            reason = response.headers().firstValue("X-Influxdb-Error").orElse("(no reason given)");
        }
        return reason.length() <= MAX_REASON_CHARS ? reason : reason.substring(0, MAX_REASON_CHARS) + "...";
    }

    private void deadLetter(InfluxDbPoint point, Integer status, String reason) throws IOException {
        rejectedRecords.inc();
        deadLetters.write(point, status, reason);
    }

    private static InfluxDbSinkException deadLetterFailure(IOException e) {
        return new InfluxDbSinkException(
                "Could not append to the dead-letter file set by '"
                        + InfluxDbConnectorOptions.DEAD_LETTER_PATH.key()
                        + "': "
                        + e.getMessage(),
                e);
    }

    @Override
    protected long getSizeInBytes(InfluxDbPoint point) {
        return point.sizeInBytes();
    }

    /**
     * With {@code sink.flush-on-checkpoint} (the default) the whole buffer is written before a
     * checkpoint completes, so checkpoints hold no points; otherwise only in-flight requests are
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
        httpExecutor.shutdownNow();
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
