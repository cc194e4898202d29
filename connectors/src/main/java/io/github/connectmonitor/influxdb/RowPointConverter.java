package io.github.connectmonitor.influxdb;

import org.apache.flink.api.connector.sink2.SinkWriter;
import org.apache.flink.connector.base.sink.writer.ElementConverter;
import org.apache.flink.types.Row;

/**
 * DataStream API input (Java, or PyFlink through {@link InfluxDbSink#forRows}): a {@link Row} whose
 * fields follow the row type the mapper was built from.
 */
public final class RowPointConverter implements ElementConverter<Row, InfluxDbPoint> {

    private static final long serialVersionUID = 1L;

    private final PointMapper mapper;
    private final String[] fieldNames;

    public RowPointConverter(PointMapper mapper, String[] fieldNames) {
        this.mapper = mapper;
        this.fieldNames = fieldNames.clone();
    }

    @Override
    public InfluxDbPoint apply(Row row, SinkWriter.Context context) {
        if (row.getFieldNames(false) != null) {
            return mapper.map(i -> row.getField(fieldNames[i]));
        }
        return mapper.map(row::getField);
    }
}
