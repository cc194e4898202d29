package io.github.connectmonitor.sink;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;

import static org.assertj.core.api.Assertions.assertThat;

class RetryPolicyTest {

    private final RetryPolicy policy = new RetryPolicy(5, Duration.ofMillis(100), Duration.ofSeconds(1));

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

    @Test
    void theCauseIsTakenOutOfTheFuturesWrappers() {
        IllegalStateException cause = new IllegalStateException("down");
        assertThat(RetryPolicy.unwrap(new CompletionException(new ExecutionException(cause)))).isSameAs(cause);
        assertThat(RetryPolicy.unwrap(cause)).isSameAs(cause);
    }
}
