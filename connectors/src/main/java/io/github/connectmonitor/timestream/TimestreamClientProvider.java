package io.github.connectmonitor.timestream;

import software.amazon.awssdk.services.timestreamwrite.TimestreamWriteClient;

import java.io.Serializable;

/** Creates the Timestream client of one writer; replaceable in tests. */
@FunctionalInterface
public interface TimestreamClientProvider extends Serializable {
    TimestreamWriteClient create(TimestreamSinkConfig config);
}
