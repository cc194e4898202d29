package io.github.connectmonitor.influxdb;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.connectmonitor.sink.AbstractSinkWriter;
import io.github.connectmonitor.sink.JsonObject;
import io.github.connectmonitor.sink.RetryPolicy;
import io.github.connectmonitor.sink.SinkException;
import io.github.connectmonitor.sink.SinkOptions;
import org.apache.flink.api.connector.sink2.WriterInitContext;
import org.apache.flink.connector.base.sink.writer.BufferedRequestState;
import org.apache.flink.connector.base.sink.writer.ElementConverter;
import org.apache.flink.connector.base.sink.writer.ResultHandler;

import java.io.IOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.ArrayDeque;
import java.util.Collection;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.DoubleSupplier;

/**
 * Writes batches of points as InfluxDB line protocol with the JDK's HTTP client to the v1 write
 * API, {@code POST {url}/write?db={database}&precision=ms}. That endpoint is served by InfluxDB
 * 1.x, by Timestream for InfluxDB's v2 engine (its v1-compatibility API) and by InfluxDB 3, which
 * is why the sink does not use the InfluxDB v2 Java client (it speaks /api/v2/write only). With a
 * token ({@code token}, or read from Secrets Manager at start, {@code token.secret-arn}: {@link
 * InfluxDbToken}) every request carries {@code Authorization: Token <token>}; without, none.
 *
 * <p>The shared writer ({@link AbstractSinkWriter}) dead-letters the points the sink could not map
 * (no time, no field, text line protocol cannot carry) and keeps the metrics; this class sends each
 * batch and settles it (see {@link WriteStatus}):
 *
 * <ul>
 *   <li>2xx: stored;
 *   <li>429, 5xx, timeouts and connection errors are retried within the same in-flight slot after
 *       an exponential, jittered backoff ({@link RetryPolicy}), so a struggling server slows the
 *       job (back-pressure) instead of growing a queue; after the last attempt the job fails;
 *   <li>400, 413, 422: the batch is bisected, and each half sent on its own, until the refused
 *       points stand alone; those go to the dead letters with the server's reason, the rest is
 *       stored. InfluxDB 1.x stores the good points of a "partial write" already; sending them again
 *       rewrites the same values at the same series and time, which changes nothing;
 *   <li>401/403 and 404 fail the job at once, naming the option to fix (token or token.secret-arn; database or url).
 * </ul>
 *
 * <p>Writes are idempotent by InfluxDB's own rule: a point with the series and time of a stored one
 * replaces its field values. Replays after a restart and corrected windows therefore overwrite,
 * without the version that Timestream needs.
 *
 * <p>Answers are handled on the task's mailbox thread, so the dead-letter file, the bisection state
 * and the metrics need no locking.
 */
public class InfluxDbSinkWriter<InputT> extends AbstractSinkWriter<InputT, InfluxDbPoint> {

    private static final int MAX_REASON_CHARS = 2000;
    private static final ObjectMapper JSON = new ObjectMapper();

    private final InfluxDbSinkConfig config;
    private final String token;
    private final HttpClient client;
    private final ExecutorService httpExecutor;

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
        super(elementConverter, context, config, states,
                "InfluxDB database " + config.database(), scheduler, random, clock);
        this.config = config;
        // Before any thread is started: a secret that cannot be read fails the writer right here.
        this.token = InfluxDbToken.resolve(config);
        this.httpExecutor = Executors.newCachedThreadPool(daemonThreads("influxdb-writer-" + subtask()));
        this.client =
                // HTTP/1.1: every InfluxDB serves it, and no h2c upgrade is attempted on http URLs.
                HttpClient.newBuilder()
                        .version(HttpClient.Version.HTTP_1_1)
                        .executor(httpExecutor)
                        .connectTimeout(config.requestTimeout())
                        .build();
    }

    @Override
    protected void submitBatch(List<InfluxDbPoint> batch, ResultHandler<InfluxDbPoint> resultHandler) {
        new Delivery(batch, resultHandler).next();
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
                recordRequestMillis(System.currentTimeMillis() - started);
                resultHandler.complete();
                return;
            }
            send(part, 1);
        }

        private void send(List<InfluxDbPoint> part, int attempt) {
            client.sendAsync(request(part), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8))
                    .whenComplete(
                            (response, error) ->
                                    mailbox().execute(
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
                    recordStored(part);
                    next();
                    return;
                case RETRY:
                    String what = "InfluxDB write of " + part.size() + " points to " + config.database();
                    if (!retryLater(attempt, what, problem, () -> send(part, attempt + 1))) {
                        fail(
                                String.format(
                                        "Writing to InfluxDB database %s at %s still failed after %d attempts; "
                                                + "last error: %s. Check the server's load and the network, "
                                                + "or raise '%s'.",
                                        config.database(),
                                        config.url(),
                                        attempt,
                                        problem,
                                        SinkOptions.RETRY_MAX_ATTEMPTS.key()),
                                error);
                    }
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
                                    config.tokenSecretArn() != null
                                            ? InfluxDbConnectorOptions.TOKEN_SECRET_ARN.key()
                                            : InfluxDbConnectorOptions.TOKEN.key(),
                                    token == null
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
            resultHandler.completeExceptionally(new SinkException(message, cause));
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
        if (token != null) {
            request.header("Authorization", "Token " + token);
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

    @Override
    protected void deadLetterUnsendable(InfluxDbPoint point) throws IOException {
        deadLetter(point, null, point.invalidReason());
    }

    /**
     * One dead letter: {@code {"at":…,"database":…,"source":"server"|"sink","status":…,"reason":…,
     * "time":…,"line":…}}; {@code status} is the HTTP status InfluxDB answered, or null when the sink
     * refused the point.
     */
    private void deadLetter(InfluxDbPoint point, Integer status, String reason) throws IOException {
        String source = status == null ? "sink" : "server";
        deadLetter(
                source + " refused it" + (status == null ? "" : " with HTTP " + status),
                reason,
                "point: " + point.line(),
                new JsonObject()
                        .string("database", config.database())
                        .string("source", source)
                        .number("status", status)
                        .string("reason", reason)
                        .number("time", point.timeMillis())
                        .string("line", point.line()));
    }

    @Override
    public void close() {
        httpExecutor.shutdownNow();
        super.close();
    }
}
