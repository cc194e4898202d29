package io.github.connectmonitor.influxdb;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Function;

/**
 * A JDK HTTP server on 127.0.0.1 playing InfluxDB's write API: it records every request and answers
 * from a script (one answer per request, in order), then by a default rule (204 unless set).
 * Handlers run on their own threads, so a slow answer does not hold up the next request.
 */
final class FakeInfluxDb implements AutoCloseable {

    /** One answer: status, body, and how long to wait before sending it. */
    static final class Answer {
        final int status;
        final String body;
        final long delayMillis;

        Answer(int status, String body, long delayMillis) {
            this.status = status;
            this.body = body;
            this.delayMillis = delayMillis;
        }
    }

    /** What the server received. */
    static final class Request {
        final String method;
        final String pathAndQuery;
        final String authorization;
        final List<String> lines;

        Request(String method, String pathAndQuery, String authorization, List<String> lines) {
            this.method = method;
            this.pathAndQuery = pathAndQuery;
            this.authorization = authorization;
            this.lines = lines;
        }
    }

    private final HttpServer server;
    private final ExecutorService executor = Executors.newFixedThreadPool(4);
    private final Deque<Answer> script = new ArrayDeque<>();
    private final List<Request> requests = Collections.synchronizedList(new ArrayList<>());
    private volatile Function<List<String>, Answer> rule = lines -> answer(204, "");

    FakeInfluxDb() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/", this::handle);
        server.setExecutor(executor);
        server.start();
    }

    static Answer answer(int status, String body) {
        return new Answer(status, body, 0);
    }

    String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    synchronized FakeInfluxDb then(Answer answer) {
        script.add(answer);
        return this;
    }

    /** How requests are answered once the script is used up. */
    FakeInfluxDb otherwise(Function<List<String>, Answer> rule) {
        this.rule = rule;
        return this;
    }

    List<Request> requests() {
        synchronized (requests) {
            return new ArrayList<>(requests);
        }
    }

    private void handle(HttpExchange exchange) throws IOException {
        String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
        List<String> lines = body.isEmpty() ? List.of() : Arrays.asList(body.split("\n"));
        requests.add(
                new Request(
                        exchange.getRequestMethod(),
                        exchange.getRequestURI().toString(),
                        exchange.getRequestHeaders().getFirst("Authorization"),
                        lines));
        Answer answer;
        synchronized (this) {
            answer = script.isEmpty() ? null : script.poll();
        }
        if (answer == null) {
            answer = rule.apply(lines);
        }
        try {
            if (answer.delayMillis > 0) {
                Thread.sleep(answer.delayMillis);
            }
            byte[] bytes = answer.body.getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().add("Content-Type", "application/json");
            exchange.sendResponseHeaders(answer.status, bytes.length == 0 ? -1 : bytes.length);
            if (bytes.length > 0) {
                try (OutputStream out = exchange.getResponseBody()) {
                    out.write(bytes);
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (IOException clientGone) {
            // The sink timed out and closed the connection; nothing to answer.
        } finally {
            exchange.close();
        }
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
    }
}
