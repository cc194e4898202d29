package io.github.connectmonitor.replay;

import org.apache.flink.streaming.api.functions.source.SourceFunction;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Paths;

/**
 * Raw stream records from a local file, each emitted when its time comes: a source that cannot be the
 * bottleneck, for measuring the job's own share of freshness beside a local Kinesis endpoint's.
 *
 * <p>Each line is {@code <epoch millis>\t<record>}, in time order; a record is emitted once the wall clock
 * reaches its time (a record already due goes at once). The file may still be growing (a writer running
 * ahead of the clock): at its end the source waits for more, and only a line ended by a newline is read, so a
 * line caught half-written is not. The source never ends by itself, as a stream does not: ending would send
 * the final watermark and close every window early. No state is checkpointed (a restored job starts the file
 * over): for benchmarks and demos, not production.
 */
public class PacedLineSource implements SourceFunction<String> {

    private static final long serialVersionUID = 1L;
    /** Longest sleep at a time, so that a cancel or a grown file is seen quickly. */
    private static final long MAX_SLEEP_MILLIS = 50;

    private final String path;
    private volatile boolean running = true;

    public PacedLineSource(String path) {
        this.path = path;
    }

    @Override
    public void run(SourceContext<String> ctx) throws Exception {
        try (InputStream in = Files.newInputStream(Paths.get(path))) {
            byte[] chunk = new byte[1 << 16];
            ByteArrayOutputStream line = new ByteArrayOutputStream(8192);
            while (running) {
                int read = in.read(chunk);
                if (read < 0) {
                    Thread.sleep(MAX_SLEEP_MILLIS); // the end for now: a writer may add more
                    continue;
                }
                int from = 0;
                for (int i = 0; i < read && running; i++) {
                    if (chunk[i] == '\n') {
                        line.write(chunk, from, i - from);
                        emit(ctx, line.toString(StandardCharsets.UTF_8));
                        line.reset();
                        from = i + 1;
                    }
                }
                line.write(chunk, from, read - from);
            }
        }
    }

    private void emit(SourceContext<String> ctx, String line) throws IOException, InterruptedException {
        int tab = line.indexOf('\t');
        if (tab <= 0) {
            throw new IOException(path + ": a line without `<epoch millis>\\t<record>`: "
                    + line.substring(0, Math.min(line.length(), 80)));
        }
        long due = Long.parseLong(line.substring(0, tab));
        long wait;
        while (running && (wait = due - System.currentTimeMillis()) > 0) {
            Thread.sleep(Math.min(wait, MAX_SLEEP_MILLIS));
        }
        synchronized (ctx.getCheckpointLock()) {
            ctx.collect(line.substring(tab + 1));
        }
    }

    @Override
    public void cancel() {
        running = false;
    }
}
