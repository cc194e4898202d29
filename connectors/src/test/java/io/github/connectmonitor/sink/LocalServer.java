package io.github.connectmonitor.sink;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A server process an integration test starts on loopback (moto, influxd) and always stops: started
 * with its output in a log file, ready once its check passes (an IOException means "not listening
 * yet"), stopped by its own process handle, never by name.
 */
public final class LocalServer implements AutoCloseable {

    /** Whether the server answers; may throw IOException while it is not listening yet. */
    @FunctionalInterface
    public interface ReadyCheck {
        boolean ready() throws IOException, InterruptedException;
    }

    private final String url;
    private final Process process;

    private LocalServer(String url, Process process) {
        this.url = url;
        this.process = process;
    }

    /** A port that was free on 127.0.0.1 a moment ago. */
    public static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }

    /**
     * Starts the process and waits up to 30 s for {@code ready}; fails naming the log otherwise.
     *
     * @param url where the server will answer, e.g. http://127.0.0.1:5000
     */
    public static LocalServer start(String name, String url, ProcessBuilder command, Path log, ReadyCheck ready)
            throws IOException, InterruptedException {
        Process process = command.redirectErrorStream(true).redirectOutput(log.toFile()).start();
        LocalServer server = new LocalServer(url, process);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        try {
            while (true) {
                if (!process.isAlive()) {
                    throw new IllegalStateException(name + " exited with " + process.exitValue() + "; see " + log);
                }
                try {
                    if (ready.ready()) {
                        return server;
                    }
                } catch (IOException notYet) {
                    // Not listening yet.
                }
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException(name + " did not answer on " + url + " within 30 s; see " + log);
                }
                Thread.sleep(100);
            }
        } catch (RuntimeException | InterruptedException e) {
            server.close();
            throw e;
        }
    }

    /**
     * moto's server on a free loopback port ({@code -Dmoto.server}, else the project's venv; missing
     * is a setup error, not a skip), its log in {@code workDir/moto.log}.
     *
     * @param env extra environment, e.g. moto's request recording
     */
    public static LocalServer moto(Path workDir, Map<String, String> env) throws IOException, InterruptedException {
        String configured = System.getProperty("moto.server");
        Path binary = configured != null && !configured.contains("${")
                ? Paths.get(configured)
                : Paths.get("..", ".venv", "bin", "moto_server").toAbsolutePath().normalize();
        if (!Files.isExecutable(binary)) {
            throw new IllegalStateException(
                    "moto_server not found at " + binary + ": run `make venv` in the repository root "
                            + "(or pass -Dmoto.server=/path/to/moto_server).");
        }
        int port = freePort();
        ProcessBuilder command =
                new ProcessBuilder(binary.toString(), "-H", "127.0.0.1", "-p", Integer.toString(port));
        command.environment().putAll(env);
        String url = "http://127.0.0.1:" + port;
        return start("moto_server", url, command, workDir.resolve("moto.log"),
                () -> Http.get(url + "/moto-api/data.json") != null);
    }

    /** Where the server answers, e.g. http://127.0.0.1:5000. */
    public String url() {
        return url;
    }

    @Override
    public void close() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(10, TimeUnit.SECONDS)) {
            process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
    }
}
