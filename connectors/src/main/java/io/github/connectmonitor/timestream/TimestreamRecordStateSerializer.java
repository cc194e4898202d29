package io.github.connectmonitor.timestream;

import org.apache.flink.connector.base.sink.writer.AsyncSinkWriterStateSerializer;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;

/** Writes buffered records into checkpoints (only used when the buffer is not flushed first). */
public final class TimestreamRecordStateSerializer
        extends AsyncSinkWriterStateSerializer<TimestreamRecord> {

    private static final int VERSION = 1;
    private static final MeasureType[] TYPES = MeasureType.values();

    @Override
    public int getVersion() {
        return VERSION;
    }

    @Override
    protected void serializeRequestToStream(TimestreamRecord record, DataOutputStream out)
            throws IOException {
        out.writeUTF(record.measureName());
        writeNullableLong(out, record.timeMillis());
        writeNullableLong(out, record.version());
        out.writeInt(record.dimensionCount());
        for (int i = 0; i < record.dimensionCount(); i++) {
            out.writeUTF(record.dimensionName(i));
            out.writeUTF(record.dimensionValue(i));
        }
        out.writeInt(record.measureCount());
        for (int i = 0; i < record.measureCount(); i++) {
            out.writeUTF(record.measureName(i));
            out.writeByte(record.measureType(i).ordinal());
            out.writeUTF(record.measureValue(i));
        }
        out.writeBoolean(record.invalidReason() != null);
        if (record.invalidReason() != null) {
            out.writeUTF(record.invalidReason());
        }
    }

    @Override
    protected TimestreamRecord deserializeRequestFromStream(long requestSize, DataInputStream in)
            throws IOException {
        String measureName = in.readUTF();
        Long time = readNullableLong(in);
        Long version = readNullableLong(in);
        int dimensions = in.readInt();
        String[] dimensionNames = new String[dimensions];
        String[] dimensionValues = new String[dimensions];
        for (int i = 0; i < dimensions; i++) {
            dimensionNames[i] = in.readUTF();
            dimensionValues[i] = in.readUTF();
        }
        int measures = in.readInt();
        String[] measureNames = new String[measures];
        MeasureType[] measureTypes = new MeasureType[measures];
        String[] measureValues = new String[measures];
        for (int i = 0; i < measures; i++) {
            measureNames[i] = in.readUTF();
            measureTypes[i] = TYPES[in.readByte()];
            measureValues[i] = in.readUTF();
        }
        String invalidReason = in.readBoolean() ? in.readUTF() : null;
        return new TimestreamRecord(
                measureName,
                time,
                version,
                dimensionNames,
                dimensionValues,
                measureNames,
                measureTypes,
                measureValues,
                invalidReason);
    }

    private static void writeNullableLong(DataOutputStream out, Long value) throws IOException {
        out.writeBoolean(value != null);
        if (value != null) {
            out.writeLong(value);
        }
    }

    private static Long readNullableLong(DataInputStream in) throws IOException {
        return in.readBoolean() ? in.readLong() : null;
    }
}
