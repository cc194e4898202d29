package io.github.connectmonitor.metrics;

import static io.github.connectmonitor.metrics.AgentStateRules.*;
import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class AgentStateRulesTest {

    @Test
    void anAvailableAgentWithoutContactsIsOnlineAvailableAndStaffed() {
        assertThat(flags("LOGIN", "ROUTABLE", false, false, false, false)).isEqualTo(ONLINE | AVAILABLE | STAFFED);
    }

    @Test
    void contactStatesAddOnContactAfterContactWorkAndError() {
        assertThat(flags("STATE_CHANGE", "ROUTABLE", true, true, true, false))
                .isEqualTo(ONLINE | ON_CONTACT | AFTER_CONTACT_WORK | STAFFED);
        assertThat(flags("STATE_CHANGE", "ROUTABLE", true, false, false, true)).isEqualTo(ONLINE | STAFFED | ERROR);
    }

    @Test
    void customStatusesAreNonProductiveNotStaffed() {
        assertThat(flags("STATE_CHANGE", "CUSTOM", false, false, false, false)).isEqualTo(ONLINE | NON_PRODUCTIVE);
    }

    @Test
    void logoutAndOfflineAreNotCounted() {
        assertThat(flags("LOGOUT", null, false, false, false, false)).isZero();
        assertThat(flags("STATE_CHANGE", "OFFLINE", false, false, false, false)).isZero();
    }

    @Test
    void anEventShowsFromTheNextBoundaryAndCountsWhileAtMostStaleAfterOld() {
        assertThat(firstBoundaryAfter(9_999, 10_000)).isEqualTo(10_000);
        assertThat(firstBoundaryAfter(10_000, 10_000)).isEqualTo(20_000); // state at T uses events < T
        assertThat(firstBoundaryAfter(-1, 10_000)).isEqualTo(0);
        // ts = 10 s, stale after 330 s: counted at T = 340 s (T - ts = 330), not at 350 s.
        assertThat(expiryBoundary(10_000, 330_000, 10_000)).isEqualTo(350_000);
        assertThat(expiryBoundary(12_000, 330_000, 10_000)).isEqualTo(350_000);
    }
}
