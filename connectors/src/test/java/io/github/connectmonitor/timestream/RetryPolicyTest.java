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
import java.time.Duration;
import java.util.concurrent.CompletionException;

import static io.github.connectmonitor.timestream.RetryPolicy.Outcome.FATAL;
import static io.github.connectmonitor.timestream.RetryPolicy.Outcome.REJECTED;
import static io.github.connectmonitor.timestream.RetryPolicy.Outcome.RETRY;
import static io.github.connectmonitor.timestream.RetryPolicy.classify;
import static org.assertj.core.api.Assertions.assertThat;

class RetryPolicyTest {

    private final RetryPolicy policy = new RetryPolicy(5, Duration.ofMillis(100), Duration.ofSeconds(1));

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

    @Test
    void attemptsAreBounded() {
        assertThat(policy.canRetry(4)).isTrue();
        assertThat(policy.canRetry(5)).isFalse();
    }

    @Test
    void backoffCapDoublesUpToTheMaximum() {
        // With the random draw at its top the wait equals the cap.
        assertThat(policy.backoffMillis(1, () -> 0.9999999)).isEqualTo(100);
        assertThat(policy.backoffMillis(2, () -> 0.9999999)).isEqualTo(200);
        assertThat(policy.backoffMillis(3, () -> 0.9999999)).isEqualTo(400);
        assertThat(policy.backoffMillis(4, () -> 0.9999999)).isEqualTo(800);
        assertThat(policy.backoffMillis(5, () -> 0.9999999)).isEqualTo(1000);
        assertThat(policy.backoffMillis(60, () -> 0.9999999)).isEqualTo(1000);
    }

    @Test
    void backoffIsJitteredBelowTheCap() {
        assertThat(policy.backoffMillis(3, () -> 0.0)).isZero();
        assertThat(policy.backoffMillis(3, () -> 0.5)).isEqualTo(200);
        java.util.Random random = new java.util.Random(1);
        for (int i = 0; i < 1000; i++) {
            assertThat(policy.backoffMillis(4, random::nextDouble)).isBetween(0L, 800L);
        }
    }
}
