package io.github.connectmonitor.timestream;

import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.exception.ApiCallTimeoutException;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.services.timestreamwrite.model.AccessDeniedException;
import software.amazon.awssdk.services.timestreamwrite.model.InvalidEndpointException;
import software.amazon.awssdk.services.timestreamwrite.model.ResourceNotFoundException;
import software.amazon.awssdk.services.timestreamwrite.model.ServiceQuotaExceededException;
import software.amazon.awssdk.services.timestreamwrite.model.TimestreamWriteException;
import software.amazon.awssdk.services.timestreamwrite.model.ValidationException;

import java.io.IOException;
import java.util.concurrent.CompletionException;

import static io.github.connectmonitor.timestream.TimestreamErrors.Outcome.FATAL;
import static io.github.connectmonitor.timestream.TimestreamErrors.Outcome.REJECTED;
import static io.github.connectmonitor.timestream.TimestreamErrors.Outcome.RETRY;
import static io.github.connectmonitor.timestream.TimestreamErrors.classify;
import static org.assertj.core.api.Assertions.assertThat;

class TimestreamErrorsTest {

    @Test
    void throttlingServerErrorsAndNetworkProblemsAreRetried() {
        assertThat(classify(StubTimestreamClient.throttling())).isEqualTo(RETRY);
        assertThat(classify(StubTimestreamClient.internalError())).isEqualTo(RETRY);
        assertThat(classify(TimestreamWriteException.builder().statusCode(503).message("unavailable").build()))
                .isEqualTo(RETRY);
        assertThat(classify(InvalidEndpointException.builder().statusCode(421).message("moved").build()))
                .isEqualTo(RETRY);
        assertThat(classify(SdkClientException.create("Unable to execute HTTP request", new IOException("reset"))))
                .isEqualTo(RETRY);
        assertThat(classify(ApiCallTimeoutException.create(30_000))).isEqualTo(RETRY);
        assertThat(classify(new CompletionException(StubTimestreamClient.throttling()))).isEqualTo(RETRY);
    }

    @Test
    void rejectedRecordsAreNeverRetried() {
        assertThat(classify(StubTimestreamClient.rejected(0, "ExistingVersion", 3L))).isEqualTo(REJECTED);
    }

    @Test
    void clientSideMistakesFailTheJob() {
        assertThat(classify(ValidationException.builder().statusCode(400).message("bad").build())).isEqualTo(FATAL);
        assertThat(classify(ResourceNotFoundException.builder().statusCode(404).message("no table").build()))
                .isEqualTo(FATAL);
        assertThat(classify(AccessDeniedException.builder().statusCode(403).message("denied").build())).isEqualTo(FATAL);
        assertThat(classify(ServiceQuotaExceededException.builder().statusCode(402).message("quota").build()))
                .isEqualTo(FATAL);
        assertThat(classify(new IllegalStateException("bug"))).isEqualTo(FATAL);
    }
}
