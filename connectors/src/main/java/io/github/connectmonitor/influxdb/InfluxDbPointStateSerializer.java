package io.github.connectmonitor.influxdb;

import org.apache.flink.connector.base.sink.writer.AsyncSinkWriterStateSerializer;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;

/** Writes buffered points into checkpoints (only used when the buffer is not flushed first). */
public final class InfluxDbPointStateSerializer extends AsyncSinkWriterStateSerializer<InfluxDbPoint> {

    private static final int VERSION = 1;

    @Override
    public int getVersion() {
        return VERSION;
    }

    @Override
    protected void serializeRequestToStream(InfluxDbPoint point, DataOutputStream out) throws IOException {
        // Not writeUTF: a line may exceed its 64 KiB limit in modified UTF-8.
        byte[] line = point.line().getBytes(StandardCharsets.UTF_8);
        out.writeInt(line.length);
        out.write(line);
        out.writeBoolean(point.timeMillis() != null);
        if (point.timeMillis() != null) {
            out.writeLong(point.timeMillis());
        }
        out.writeBoolean(point.invalidReason() != null);
        if (point.invalidReason() != null) {
            out.writeUTF(point.invalidReason());
        }
    }

    @Override
    protected InfluxDbPoint deserializeRequestFromStream(long requestSize, DataInputStream in) throws IOException {
        byte[] line = new byte[in.readInt()];
        in.readFully(line);
        Long time = in.readBoolean() ? in.readLong() : null;
        String invalidReason = in.readBoolean() ? in.readUTF() : null;
        return new InfluxDbPoint(new String(line, StandardCharsets.UTF_8), time, invalidReason);
    }
}
