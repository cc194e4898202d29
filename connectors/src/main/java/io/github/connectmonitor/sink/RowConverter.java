package io.github.connectmonitor.sink;

import org.apache.flink.api.connector.sink2.SinkWriter;
import org.apache.flink.connector.base.sink.writer.ElementConverter;
import org.apache.flink.types.Row;

/**
 * DataStream API input (Java, or PyFlink through a sink's {@code forRows}): a {@link Row} whose
 * fields follow the row type the mapper was built from, by name when the row has names.
 */
public final class RowConverter<EntryT extends SinkEntry> implements ElementConverter<Row, EntryT> {

    private static final long serialVersionUID = 1L;

    private final RowMapper<EntryT> mapper;
    private final String[] fieldNames;

    public RowConverter(RowMapper<EntryT> mapper, String[] fieldNames) {
        this.mapper = mapper;
        this.fieldNames = fieldNames.clone();
    }

    @Override
    public EntryT apply(Row row, SinkWriter.Context context) {
        if (row.getFieldNames(false) != null) {
            return mapper.map(i -> row.getField(fieldNames[i]));
        }
        return mapper.map(row::getField);
    }
}
