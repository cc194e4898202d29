package io.github.connectmonitor.metrics;

/**
 * The agent-state rules of docs/METRICS.md, as pure functions: which measures an agent event
 * counts in, and which snapshot boundaries it affects.
 *
 * <p>An agent's state at boundary T is its latest event with {@code EventTimestamp < T}; it counts
 * while {@code T - EventTimestamp <= stale_after}. So an event at ts first shows at
 * {@link #firstBoundaryAfter}(ts) and, unless a newer event replaces it, last counts at the last
 * boundary at or before ts + stale_after.
 */
public final class AgentStateRules {

    public static final String[] MEASURES = {
        "agents_online",
        "agents_available",
        "agents_on_contact",
        "agents_after_contact_work",
        "agents_non_productive",
        "agents_error",
        "agents_staffed",
    };
    public static final int ONLINE = 1;
    public static final int AVAILABLE = 1 << 1;
    public static final int ON_CONTACT = 1 << 2;
    public static final int AFTER_CONTACT_WORK = 1 << 3;
    public static final int NON_PRODUCTIVE = 1 << 4;
    public static final int ERROR = 1 << 5;
    public static final int STAFFED = 1 << 6;

    private AgentStateRules() {}

    /** The measures an agent counts in while this event is its latest (0: not counted at all). */
    public static int flags(
            String eventType, String statusType, boolean hasContacts, boolean onContact, boolean inAcw, boolean inError) {
        if ("LOGOUT".equals(eventType) || statusType == null || "OFFLINE".equals(statusType)) {
            return 0;
        }
        int flags = ONLINE;
        if ("ROUTABLE".equals(statusType) && !hasContacts) {
            flags |= AVAILABLE;
        }
        if (onContact) {
            flags |= ON_CONTACT;
        }
        if (inAcw) {
            flags |= AFTER_CONTACT_WORK;
        }
        if ("CUSTOM".equals(statusType)) {
            flags |= NON_PRODUCTIVE;
        } else {
            flags |= STAFFED;
        }
        if (inError) {
            flags |= ERROR;
        }
        return flags;
    }

    /** The first boundary k * step strictly after {@code time}. */
    public static long firstBoundaryAfter(long time, long step) {
        return Math.floorDiv(time, step) * step + step;
    }

    /** The first boundary at which an event at {@code eventTime} is stale (no longer counted). */
    public static long expiryBoundary(long eventTime, long staleAfter, long step) {
        return firstBoundaryAfter(eventTime + staleAfter, step);
    }
}
