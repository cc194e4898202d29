package io.github.connectmonitor.timestream;

import org.apache.flink.api.connector.sink2.SinkWriter;
import org.apache.flink.connector.base.sink.writer.ElementConverter;
import org.apache.flink.types.Row;

/**
 * DataStream API input (Java, or PyFlink through {@link TimestreamSink#forRows}): a {@link Row}
 * whose fields follow the row type the mapper was built from.
 */
public final class RowElementConverter implements ElementConverter<Row, TimestreamRecord> {

    private static final long serialVersionUID = 1L;

    private final RecordMapper mapper;
    private final String[] fieldNames;

    public RowElementConverter(RecordMapper mapper, String[] fieldNames) {
        this.mapper = mapper;
        this.fieldNames = fieldNames.clone();
    }

    @Override
    public TimestreamRecord apply(Row row, SinkWriter.Context context) {
        if (row.getFieldNames(false) != null) {
            return mapper.map(i -> row.getField(fieldNames[i]));
        }
        return mapper.map(row::getField);
    }
}
