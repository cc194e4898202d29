package io.github.connectmonitor.replay;

import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.api.connector.sink2.SinkWriter;
import org.apache.flink.api.connector.sink2.WriterInitContext;
import org.apache.flink.types.Row;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;

/**
 * Writes the first field of each row as one line of a local file: the replay command's
 * {@code DIR/<table>.jsonl}. Run it with parallelism 1 (one file); the file is replaced when the
 * job starts. Not for checkpointed production use: lines written before a failure stay.
 */
public class LineFileSink implements Sink<Row> {

    private static final long serialVersionUID = 1L;

    private final String path;

    public LineFileSink(String path) {
        this.path = path;
    }

    /** Flink 1.19+ calls {@link #createWriter(WriterInitContext)}. */
    @Override
    @Deprecated
    public SinkWriter<Row> createWriter(InitContext context) throws IOException {
        return open();
    }

    @Override
    public SinkWriter<Row> createWriter(WriterInitContext context) throws IOException {
        if (context.getNumberOfParallelSubtasks() != 1) {
            throw new IllegalStateException("LineFileSink writes one file: set its parallelism to 1");
        }
        return open();
    }

    private SinkWriter<Row> open() throws IOException {
        Path file = Paths.get(path);
        if (file.getParent() != null) {
            Files.createDirectories(file.getParent());
        }
        BufferedWriter writer = Files.newBufferedWriter(file, StandardCharsets.UTF_8);
        return new SinkWriter<>() {
            @Override
            public void write(Row row, Context context) {
                try {
                    writer.write(String.valueOf(row.getField(0)));
                    writer.newLine();
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }

            @Override
            public void flush(boolean endOfInput) throws IOException {
                writer.flush();
            }

            @Override
            public void close() throws IOException {
                writer.close();
            }
        };
    }
}
