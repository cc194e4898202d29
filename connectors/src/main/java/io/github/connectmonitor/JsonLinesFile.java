package io.github.connectmonitor;

import java.io.Closeable;
import java.io.IOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * An append-only JSON Lines file, opened on the first line (so a sink that never dead-letters
 * creates no file) and flushed after every line (a dead letter must survive a crash right after).
 * The sinks' dead-letter writers share it, with its JSON string quoting. Not thread-safe.
 */
public final class JsonLinesFile implements Closeable {

    private final Path path;
    private Writer out;

    public JsonLinesFile(Path path) {
        this.path = path;
    }

    public void append(String json) throws IOException {
        if (out == null) {
            Path parent = path.toAbsolutePath().getParent();
            if (parent != null) {
                Files.createDirectories(parent);
            }
            out =
                    Files.newBufferedWriter(
                            path,
                            StandardCharsets.UTF_8,
                            StandardOpenOption.CREATE,
                            StandardOpenOption.APPEND);
        }
        out.write(json);
        out.write('\n');
        out.flush();
    }

    /** Appends {@code value} as a JSON string literal. */
    public static StringBuilder quote(StringBuilder json, String value) {
        json.append('"');
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            switch (c) {
                case '"':
                    json.append("\\\"");
                    break;
                case '\\':
                    json.append("\\\\");
                    break;
                case '\n':
                    json.append("\\n");
                    break;
                case '\r':
                    json.append("\\r");
                    break;
                case '\t':
                    json.append("\\t");
                    break;
                default:
                    if (c < 0x20) {
                        json.append(String.format("\\u%04x", (int) c));
                    } else {
                        json.append(c);
                    }
            }
        }
        return json.append('"');
    }

    @Override
    public void close() throws IOException {
        if (out != null) {
            out.close();
            out = null;
        }
    }
}
