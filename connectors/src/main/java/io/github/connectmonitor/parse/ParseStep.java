package io.github.connectmonitor.parse;

import org.apache.flink.api.common.functions.MapFunction;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.types.Row;

/**
 * The job's JVM parse step on the raw stream: exactly one parsed row per record (see
 * {@link ConnectRecordParser}), straight from the source's strings to the metric operators. No SQL
 * layer in between: turning a 3 KB record into a table row and back costs more than parsing it.
 * Event time and watermarks pass through from the source unchanged.
 */
public final class ParseStep implements MapFunction<String, Row> {

    private static final long serialVersionUID = 1L;

    /** The row type of {@link ParsedColumns#NAMES}. */
    public static final TypeInformation<Row> ROW_TYPE = Types.ROW_NAMED(
            ParsedColumns.NAMES.toArray(new String[0]),
            Types.STRING, Types.STRING, Types.STRING, Types.STRING, Types.STRING, Types.LONG, Types.STRING,
            Types.STRING, Types.STRING, Types.STRING, Types.BOOLEAN, Types.BOOLEAN, Types.BOOLEAN, Types.BOOLEAN,
            Types.OBJECT_ARRAY(Types.STRING), Types.OBJECT_ARRAY(Types.STRING), Types.STRING, Types.STRING,
            Types.STRING, Types.STRING, Types.LONG, Types.LONG, Types.BOOLEAN, Types.DOUBLE, Types.DOUBLE,
            Types.DOUBLE, Types.DOUBLE);

    @Override
    public Row map(String data) {
        return Row.of(ConnectRecordParser.parse(data, System.currentTimeMillis() * 1000L));
    }

    /** The parsed rows of {@code raw}, with the same parallelism (chained to the source). */
    public static DataStream<Row> parse(DataStream<String> raw) {
        return raw.map(new ParseStep(), ROW_TYPE).name("parse (JVM)").uid("parse-jvm");
    }
}
