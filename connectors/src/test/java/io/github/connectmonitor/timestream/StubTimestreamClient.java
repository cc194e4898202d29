package io.github.connectmonitor.timestream;

import software.amazon.awssdk.awscore.exception.AwsErrorDetails;
import software.amazon.awssdk.services.timestreamwrite.TimestreamWriteClient;
import software.amazon.awssdk.services.timestreamwrite.model.InternalServerException;
import software.amazon.awssdk.services.timestreamwrite.model.RejectedRecord;
import software.amazon.awssdk.services.timestreamwrite.model.RejectedRecordsException;
import software.amazon.awssdk.services.timestreamwrite.model.ThrottlingException;
import software.amazon.awssdk.services.timestreamwrite.model.WriteRecordsRequest;
import software.amazon.awssdk.services.timestreamwrite.model.WriteRecordsResponse;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Deque;
import java.util.List;
import java.util.function.Function;

/** A Timestream client that answers from a script and remembers every request it got. */
final class StubTimestreamClient implements TimestreamWriteClient {

    private final Deque<Function<WriteRecordsRequest, WriteRecordsResponse>> script = new ArrayDeque<>();
    private final List<WriteRecordsRequest> requests = Collections.synchronizedList(new ArrayList<>());
    private volatile boolean closed;

    /** Answers the next call; calls beyond the script succeed. */
    StubTimestreamClient then(Function<WriteRecordsRequest, WriteRecordsResponse> answer) {
        script.add(answer);
        return this;
    }

    StubTimestreamClient thenSucceed() {
        return then(request -> WriteRecordsResponse.builder().build());
    }

    StubTimestreamClient thenThrow(RuntimeException error) {
        return then(
                request -> {
                    throw error;
                });
    }

    static ThrottlingException throttling() {
        return (ThrottlingException)
                ThrottlingException.builder()
                        .message("Rate exceeded")
                        .statusCode(400)
                        .awsErrorDetails(AwsErrorDetails.builder().errorCode("ThrottlingException").build())
                        .build();
    }

    static InternalServerException internalError() {
        return (InternalServerException)
                InternalServerException.builder()
                        .message("Internal error")
                        .statusCode(500)
                        .build();
    }

    /** A RejectedRecords answer for the given (index, reason, existingVersion) triples. */
    static RejectedRecordsException rejected(Object... indexReasonVersion) {
        List<RejectedRecord> rejected = new ArrayList<>();
        for (int i = 0; i < indexReasonVersion.length; i += 3) {
            rejected.add(
                    RejectedRecord.builder()
                            .recordIndex((Integer) indexReasonVersion[i])
                            .reason((String) indexReasonVersion[i + 1])
                            .existingVersion((Long) indexReasonVersion[i + 2])
                            .build());
        }
        return (RejectedRecordsException)
                RejectedRecordsException.builder()
                        .message("One or more records have been rejected.")
                        .statusCode(419)
                        .rejectedRecords(rejected)
                        .build();
    }

    List<WriteRecordsRequest> requests() {
        return new ArrayList<>(requests);
    }

    boolean isClosed() {
        return closed;
    }

    @Override
    public WriteRecordsResponse writeRecords(WriteRecordsRequest request) {
        requests.add(request);
        Function<WriteRecordsRequest, WriteRecordsResponse> answer;
        synchronized (script) {
            answer = script.poll();
        }
        return answer == null ? WriteRecordsResponse.builder().build() : answer.apply(request);
    }

    @Override
    public String serviceName() {
        return "timestream";
    }

    @Override
    public void close() {
        closed = true;
    }
}
