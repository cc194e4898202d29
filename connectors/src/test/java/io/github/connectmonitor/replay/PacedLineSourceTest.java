package io.github.connectmonitor.replay;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.apache.flink.streaming.api.functions.source.SourceFunction;
import org.apache.flink.streaming.api.watermark.Watermark;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

class PacedLineSourceTest {

    /** Keeps what the source emits and when. */
    private static final class Collecting implements SourceFunction.SourceContext<String> {
        final List<String> records = new ArrayList<>();
        final List<Long> at = new ArrayList<>();
        private final Object lock = new Object();

        @Override
        public void collect(String element) {
            records.add(element);
            at.add(System.currentTimeMillis());
        }

        @Override
        public void collectWithTimestamp(String element, long timestamp) {
            collect(element);
        }

        @Override
        public void emitWatermark(Watermark mark) {}

        @Override
        public void markAsTemporarilyIdle() {}

        @Override
        public Object getCheckpointLock() {
            return lock;
        }

        @Override
        public void close() {}
    }

    private static Path file(Path dir, String... lines) throws IOException {
        Path path = dir.resolve("records.tsv");
        Files.write(path, List.of(lines), StandardCharsets.UTF_8);
        return path;
    }

    @Test
    void emitsEachRecordNotBeforeItsTimeInFileOrderAndStaysOpenUntilCancelled(@TempDir Path dir) throws Exception {
        long now = System.currentTimeMillis();
        long later = now + 300;
        Path path = file(dir, (now - 5000) + "\t{\"a\":1}", now + "\t{\"b\":\"x\ty\"}", later + "\t{\"c\":3}");
        PacedLineSource source = new PacedLineSource(path.toString());
        Collecting context = new Collecting();
        Thread runner = start(source, context);
        awaitRecords(context, 3);
        Thread.sleep(150);
        assertTrue(runner.isAlive(), "the source ends only when cancelled, as a stream does");
        source.cancel();
        runner.join(5000);
        assertTrue(!runner.isAlive(), "a cancelled source stops within its sleep step");
        synchronized (context.getCheckpointLock()) {
            assertEquals(List.of("{\"a\":1}", "{\"b\":\"x\ty\"}", "{\"c\":3}"), context.records);
            assertTrue(context.at.get(2) >= later, "a record is not emitted before its time");
        }
    }

    @Test
    void aGrowingFileIsFollowedAndAHalfWrittenLineWaitsForItsEnd(@TempDir Path dir) throws Exception {
        long now = System.currentTimeMillis();
        Path path = file(dir, now + "\t{\"a\":1}");
        PacedLineSource source = new PacedLineSource(path.toString());
        Collecting context = new Collecting();
        Thread runner = start(source, context);
        awaitRecords(context, 1);
        Files.writeString(path, now + "\t{\"b\":", StandardCharsets.UTF_8, java.nio.file.StandardOpenOption.APPEND);
        Thread.sleep(200);
        synchronized (context.getCheckpointLock()) {
            assertEquals(1, context.records.size(), "half a line is not a record");
        }
        Files.writeString(path, "2}\n", StandardCharsets.UTF_8, java.nio.file.StandardOpenOption.APPEND);
        awaitRecords(context, 2);
        source.cancel();
        runner.join(5000);
        synchronized (context.getCheckpointLock()) {
            assertEquals(List.of("{\"a\":1}", "{\"b\":2}"), context.records);
        }
    }

    private static Thread start(PacedLineSource source, Collecting context) {
        Thread runner = new Thread(() -> {
            try {
                source.run(context);
            } catch (Exception e) {
                throw new RuntimeException(e);
            }
        });
        runner.start();
        return runner;
    }

    private static void awaitRecords(Collecting context, int count) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (System.nanoTime() < deadline) {
            synchronized (context.getCheckpointLock()) {
                if (context.records.size() >= count) {
                    return;
                }
            }
            Thread.sleep(20);
        }
    }

    @Test
    void aLineWithoutItsTimeFailsNamingTheFileAndTheFormat(@TempDir Path dir) throws Exception {
        Path path = file(dir, "{\"no\":\"time\"}");
        PacedLineSource source = new PacedLineSource(path.toString());
        IOException error = assertThrows(IOException.class, () -> source.run(new Collecting()));
        // (the line is complete: the file ends with a newline)
        assertTrue(error.getMessage().contains(path.toString()), error.getMessage());
        assertTrue(error.getMessage().contains("<epoch millis>"), error.getMessage());
    }
}
