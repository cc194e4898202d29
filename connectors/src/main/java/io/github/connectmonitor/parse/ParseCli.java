package io.github.connectmonitor.parse;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.json.JsonWriteFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The JVM parse step on the command line: raw stream records on stdin, one parsed row per line on stdout
 * as a JSON array in {@link ParsedColumns#NAMES} order. With {@code --encoded} every input line is a JSON
 * string holding the record (so records may hold newlines and lone surrogates); the conformance test
 * feeds Python's own rows' inputs this way. {@code --columns} prints the column names; {@code --count}
 * times the parse step alone (the benchmark's figure).
 *
 * <pre>java -cp connectors/target/connect-monitor-connectors.jar io.github.connectmonitor.parse.ParseCli &lt; records.jsonl</pre>
 */
public final class ParseCli {

    private ParseCli() {
    }

    public static void main(String[] args) throws IOException {
        if (args.length > 0 && args[0].equals("--columns")) {
            System.out.println(new ObjectMapper().writeValueAsString(ParsedColumns.NAMES));
            return;
        }
        if (args.length > 0 && args[0].equals("--count")) {
            count(new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8)));
            return;
        }
        boolean encoded = args.length > 0 && args[0].equals("--encoded");
        // Non-ASCII escaped: a lone surrogate in a dead letter's raw record survives the round trip.
        ObjectMapper out = JsonMapper.builder().enable(JsonWriteFeature.ESCAPE_NON_ASCII).build();
        out.getFactory().disable(JsonGenerator.Feature.AUTO_CLOSE_TARGET);
        ObjectMapper in = new ObjectMapper();
        BufferedReader reader = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        PrintStream writer = new PrintStream(System.out, false, StandardCharsets.UTF_8);
        String line;
        while ((line = reader.readLine()) != null) {
            String data = encoded ? in.readValue(line, String.class) : line;
            Object[] fields = ConnectRecordParser.parse(data, System.currentTimeMillis() * 1000L);
            writer.println(out.writeValueAsString(Arrays.asList(fields)));
            writer.flush();
        }
    }

    /**
     * The parse step's own speed, for the benchmark: every line parsed, a warm-up pass first (the JIT),
     * then timed passes until at least 5 s are spent; prints {"records": N, "records_per_second": R}.
     */
    private static void count(BufferedReader reader) throws IOException {
        List<String> lines = new ArrayList<>();
        for (String line = reader.readLine(); line != null; line = reader.readLine()) {
            lines.add(line);
        }
        long sink = 0;
        for (String line : lines) {
            sink += ConnectRecordParser.parse(line, System.currentTimeMillis() * 1000L).length;
        }
        long parsed = 0;
        long began = System.nanoTime();
        do {
            for (String line : lines) {
                sink += ConnectRecordParser.parse(line, System.currentTimeMillis() * 1000L).length;
            }
            parsed += lines.size();
        } while (System.nanoTime() - began < 5_000_000_000L && !lines.isEmpty());
        double seconds = (System.nanoTime() - began) / 1e9;
        System.out.printf("{\"records\": %d, \"records_per_second\": %.1f, \"checksum\": %d}%n",
                lines.size(), parsed / seconds, sink);
    }
}
