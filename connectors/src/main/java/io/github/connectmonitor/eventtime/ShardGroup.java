package io.github.connectmonitor.eventtime;

import java.lang.ref.WeakReference;
import java.util.Collections;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.WeakHashMap;

/**
 * The per-shard assigners of one consumer subtask: the clones the Kinesis consumer makes of its one assigner,
 * one per shard it reads.
 *
 * <p>The consumer's watermark is the minimum over the shards that have emitted a record; a shard not read yet
 * has no say. On a catch-up one shard's backlog can be read before another shard's first record, and its
 * watermark then runs ahead and makes the other shard's events late. So, while a member has read nothing and
 * is not yet idle ({@code idleAfterMillis} since it joined, the consumer's own idle rule), every member holds
 * the watermark back. Members join when the consumer clones them: at start, and for new shards after a reshard.
 */
final class ShardGroup {

    /** Guarded by the class: looked up once per clone, so a lock costs nothing. */
    private static final Map<String, WeakReference<ShardGroup>> GROUPS = new HashMap<>();

    private final Set<AgentEventTimeAssigner> members = Collections.newSetFromMap(new WeakHashMap<>());
    /** No member waits for its first record: nothing to check until the next member joins. */
    private volatile boolean settled;

    static synchronized ShardGroup named(String name) {
        // A finished task attempt's group is collected with its assigners; drop its entry too.
        GROUPS.values().removeIf(ref -> ref.get() == null);
        WeakReference<ShardGroup> ref = GROUPS.get(name);
        ShardGroup group = ref == null ? null : ref.get();
        if (group == null) {
            group = new ShardGroup();
            GROUPS.put(name, new WeakReference<>(group));
        }
        return group;
    }

    synchronized void join(AgentEventTimeAssigner member) {
        members.add(member);
        settled = false;
    }

    /** Whether a member that has read nothing yet, and joined at most {@code idleAfterMillis} ago, holds all. */
    boolean holds(long nowMillis, long idleAfterMillis) {
        if (settled) {
            return false;
        }
        synchronized (this) {
            boolean waiting = false;
            for (AgentEventTimeAssigner member : members) {
                waiting |= !member.hasRead() && nowMillis - member.joinedAtMillis() <= idleAfterMillis;
            }
            // A member that is read or idle stays so, until the next member joins.
            settled = !waiting;
            return waiting;
        }
    }
}
