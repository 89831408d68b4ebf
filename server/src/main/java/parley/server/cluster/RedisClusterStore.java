package parley.server.cluster;

import io.lettuce.core.ClientOptions;
import io.lettuce.core.Range;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisException;
import io.lettuce.core.RedisURI;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.SetArgs;
import io.lettuce.core.StreamMessage;
import io.lettuce.core.TimeoutOptions;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.async.RedisAsyncCommands;
import io.lettuce.core.pubsub.RedisPubSubAdapter;
import io.lettuce.core.pubsub.StatefulRedisPubSubConnection;
import io.lettuce.core.resource.ClientResources;
import io.lettuce.core.resource.DefaultClientResources;
import io.lettuce.core.resource.Delay;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import parley.protocol.ServerEvent;
import parley.server.chat.Backplane;
import parley.server.chat.ClusterUnavailable;

import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * The cluster's shared state in one Redis (a single server, a primary, or a primary found through Sentinel; not
 * Redis Cluster, because the scripts touch keys of several rooms at once), spoken to through Lettuce's asynchronous
 * API: no call waits for Redis. Keys, all under {@code parley:}:
 * <ul>
 *   <li>{@code node:ID} — a node's lease; {@code nodes} — every node that may hold seats;
 *       {@code seats:ID} — a node's seats as {@code ROOMKEY\nNICKKEY}</li>
 *   <li>{@code nick:NICKKEY} — {@code OWNER|NICK} under the owning node's lease</li>
 *   <li>{@code rooms} — room key to name; {@code members:ROOMKEY} — nick key to {@code OWNER|NICK}</li>
 *   <li>{@code seq:ROOMKEY} — the room's last message id; {@code history:ROOMKEY} — a stream capped at the resume
 *       buffer, entry id {@code 0-ID}</li>
 *   <li>{@code resume:TOKEN} — a session to resume on any node; {@code guests} — the guest nickname counter</li>
 *   <li>{@code control:ROOM} — the room's control (fields {@code v}, its version, and {@code doc}, its JSON);
 *       {@code since:ROOM} — when each member was seated (sorted set); both go with the room</li>
 *   <li>{@code profile:NICK} — what whois shows of a user; {@code away} — away messages by nickname key</li>
 * </ul>
 * Events go out on the channel {@code parley:events}, one line per field ({@link EventLines}); a room message is
 * stored and published by one script, so every node receives a room's messages in id order. Commands that cannot
 * reach Redis fail at once (Lettuce rejects commands while disconnected and reconnects by itself) or after the
 * timeout.
 */
public final class RedisClusterStore implements ClusterStore {
    private static final Logger log = LoggerFactory.getLogger(RedisClusterStore.class);
    private static final String PREFIX = "parley:";
    private static final String CHANNEL = PREFIX + "events";
    /** Away messages by nickname key, so that a join learns those of a room's members in the same step. */
    private static final String AWAY = PREFIX + "away";
    /** The nickname keys that have a profile, so that administrators can list everyone. */
    private static final String PROFILES = PREFIX + "profiles";
    private static final String NODES = PREFIX + "nodes";
    private static final String ROOMS = PREFIX + "rooms";
    private static final String GUESTS = PREFIX + "guests";
    private static final int RENEW_CHUNK = 500;

    private final String nodeId;
    private final ClientResources resources;
    private final RedisClient client;
    private final StatefulRedisConnection<String, String> connection;
    private final RedisAsyncCommands<String, String> redis;
    private final RedisCalls calls;
    private final StatefulRedisPubSubConnection<String, String> events;
    private final ExecutorService eventThread;
    private volatile Consumer<ClusterEvent> listener = event -> { };
    private final String ownRoomMessages;

    /**
     * Connects to Redis.
     *
     * @param redisUri        {@code redis://}, {@code rediss://} or {@code redis-sentinel://} (Lettuce's URI syntax)
     * @param maxQueuedEvents cluster events received and not yet handled; beyond it events are dropped (room
     *                        messages are fetched again from the history, presence is lost) and a warning logged
     * @throws ClusterUnavailable when Redis cannot be reached now
     */
    public RedisClusterStore(String redisUri, Duration commandTimeout, int maxQueuedEvents) {
        byte[] id = new byte[6];
        new SecureRandom().nextBytes(id);
        this.nodeId = HexFormat.of().formatHex(id);
        this.ownRoomMessages = "M\n" + nodeId + "\n";
        // Reconnect attempts start at once and back off to one a second: a node is back in the cluster within
        // about a second of Redis.
        this.resources = DefaultClientResources.builder()
                .reconnectDelay(Delay.exponential(Duration.ofMillis(50), Duration.ofSeconds(1), 2, TimeUnit.MILLISECONDS))
                .build();
        this.client = RedisClient.create(resources, RedisURI.create(redisUri));
        client.setOptions(ClientOptions.builder()
                .autoReconnect(true)
                .disconnectedBehavior(ClientOptions.DisconnectedBehavior.REJECT_COMMANDS)
                .timeoutOptions(TimeoutOptions.enabled(commandTimeout))
                .build());
        this.eventThread = new ThreadPoolExecutor(1, 1, 0, TimeUnit.MILLISECONDS,
                new ArrayBlockingQueue<>(maxQueuedEvents), runnable -> {
            Thread thread = new Thread(runnable, "parley-cluster-events");
            thread.setDaemon(true);
            return thread;
        });
        try {
            this.connection = client.connect();
            this.redis = connection.async();
            this.calls = new RedisCalls(redis);
            this.events = client.connectPubSub();
        } catch (RedisException e) {
            client.shutdown();
            resources.shutdown();
            eventThread.shutdownNow();
            throw new ClusterUnavailable("cannot reach Redis at " + redisUri + ": " + RedisCalls.rootMessage(e), e);
        }
    }

    @Override
    public String nodeId() {
        return nodeId;
    }

    @Override
    public void start(Consumer<ClusterEvent> onEvent) {
        this.listener = onEvent;
        events.addListener(new RedisPubSubAdapter<>() {
            @Override
            public void message(String channel, String message) {
                if (message.startsWith(ownRoomMessages)) {
                    return; // this node learnt the message's id from its append; a lost answer is caught up
                }
                ClusterEvent event = EventLines.decode(message);
                if (event == null) {
                    log.warn("Ignoring an unreadable cluster event: {}", message);
                    return;
                }
                try {
                    // Handled off Lettuce's I/O thread, which must go on reading replies.
                    eventThread.execute(() -> listener.accept(event));
                } catch (RejectedExecutionException e) {
                    log.warn("Cluster event queue full: dropped {}", event.getClass().getSimpleName());
                }
            }
        });
        try {
            events.sync().subscribe(CHANNEL);
        } catch (RedisException e) {
            throw new ClusterUnavailable("cannot subscribe to " + CHANNEL + ": " + RedisCalls.rootMessage(e), e);
        }
    }

    @Override
    public void stop() {
        eventThread.shutdownNow();
        try {
            redis.del(key("node:", nodeId)).get(1, TimeUnit.SECONDS);
        } catch (Exception e) {
            // Gone anyway when its lease runs out.
        }
        abandon();
    }

    /** Stops talking to Redis without a goodbye, as a crashed node would: its lease simply runs out. */
    public void abandon() {
        eventThread.shutdownNow();
        try {
            events.close();
            connection.close();
            client.shutdown(Duration.ZERO, Duration.ofSeconds(2));
            resources.shutdown();
        } catch (RuntimeException e) {
            log.debug("Closing the Redis connections: {}", e.toString());
        }
    }

    @Override
    public CompletionStage<Long> takeGuestNumbers(int count) {
        return RedisCalls.call(() -> redis.incrby(GUESTS, count));
    }

    @Override
    public CompletionStage<Void> raiseGuestNumbers(long atLeast) {
        return RedisCalls.done(calls.script(RedisScripts.RAISE_GUESTS, ScriptOutputType.INTEGER, keys(GUESTS), Long.toString(atLeast)));
    }

    @Override
    public CompletionStage<Boolean> takeNick(String nickKey, String oldOwner, String newOwner, String nick, long leaseMillis) {
        return calls.<Long>script(RedisScripts.TAKE_NICK, ScriptOutputType.INTEGER, keys(key("nick:", nickKey)),
                oldOwner + "|", newOwner + "|" + nick, Long.toString(leaseMillis)).thenApply(taken -> taken == 1);
    }

    @Override
    public CompletionStage<Void> releaseNick(String nickKey, String owner) {
        return RedisCalls.done(calls.script(RedisScripts.RELEASE_NICK, ScriptOutputType.INTEGER, keys(key("nick:", nickKey)), owner + "|"));
    }

    @Override
    public CompletionStage<String> nickHolder(String nickKey) {
        return RedisCalls.call(() -> redis.get(key("nick:", nickKey))).thenApply(value -> value == null ? null : RedisReplies.afterBar(value));
    }

    @Override
    public CompletionStage<Entry> enter(Seat seat, int recent) {
        return calls.<List<Object>>script(RedisScripts.ENTER, ScriptOutputType.MULTI,
                keys(ROOMS, key("members:", seat.roomKey()), key("seats:", nodeId), key("seq:", seat.roomKey()),
                        key("history:", seat.roomKey()), key("node:", nodeId), key("control:", seat.roomKey()), AWAY,
                        key("since:", seat.roomKey())),
                seat.roomKey(), seat.roomName(), seat.nickKey(), seat.owner() + "|" + seat.nick(),
                Integer.toString(recent), nodeId + "/").thenApply(result -> {
            if (result.get(0) == null) {
                // Seated now, the user would be left behind if this node died before putting its state back.
                throw new ClusterUnavailable("the store has lost this node (restarted?); it puts its seats back first");
            }
            return RedisReplies.entry(result);
        });
    }

    @Override
    public CompletionStage<Void> removeMember(String roomKey, String nickKey, String owner) {
        return RedisCalls.done(calls.script(RedisScripts.REMOVE_MEMBER, ScriptOutputType.INTEGER,
                keys(ROOMS, key("members:", roomKey), key("seats:", nodeId), key("seq:", roomKey), key("history:", roomKey),
                        key("control:", roomKey), key("since:", roomKey)),
                roomKey, nickKey, owner + "|"));
    }

    @Override
    public CompletionStage<Void> renameMember(List<String> roomKeys, String oldNickKey, String newNickKey, String owner,
                                              String nick) {
        List<CompletableFuture<Object>> renames = new ArrayList<>();
        for (String roomKey : roomKeys) {
            renames.add(calls.script(RedisScripts.RENAME_MEMBER, ScriptOutputType.INTEGER,
                    keys(key("members:", roomKey), key("seats:", nodeId), key("since:", roomKey)),
                    roomKey, oldNickKey, newNickKey, owner + "|", owner + "|" + nick).toCompletableFuture());
        }
        return CompletableFuture.allOf(renames.toArray(CompletableFuture[]::new));
    }

    @Override
    public CompletionStage<Boolean> hasMembers(String roomKey) {
        return RedisCalls.call(() -> redis.hlen(key("members:", roomKey))).thenApply(count -> count > 0);
    }

    @Override
    public CompletionStage<List<ServerEvent.RoomInfo>> rooms() {
        return calls.<List<Object>>script(RedisScripts.ROOMS_WITH_COUNTS, ScriptOutputType.MULTI, keys(ROOMS), PREFIX).thenApply(flat -> {
            List<ServerEvent.RoomInfo> rooms = new ArrayList<>();
            for (int i = 0; i + 1 < flat.size(); i += 2) {
                rooms.add(new ServerEvent.RoomInfo((String) flat.get(i), ((Long) flat.get(i + 1)).intValue()));
            }
            rooms.sort((a, b) -> String.CASE_INSENSITIVE_ORDER.compare(a.name(), b.name()));
            return rooms;
        });
    }

    @Override
    public CompletionStage<Long> append(Post post, int keep, long floor) {
        return calls.script(RedisScripts.APPEND, ScriptOutputType.INTEGER, keys(key("seq:", post.roomKey()), key("history:", post.roomKey())),
                post.from(), post.text(), Long.toString(post.timestamp()), Integer.toString(keep), Long.toString(floor),
                post.origin(), Long.toString(post.serial()), CHANNEL, EventLines.roomMessageHead(post.origin(), post.roomKey()),
                post.jsonHead(), post.jsonTail(), post.kind() == null ? "" : post.kind());
    }

    @Override
    public CompletionStage<List<Long>> lastIds(List<String> roomKeys) {
        if (roomKeys.isEmpty()) {
            return CompletableFuture.completedFuture(List.of());
        }
        String[] keys = roomKeys.stream().map(room -> key("seq:", room)).toArray(String[]::new);
        return RedisCalls.call(() -> redis.mget(keys)).thenApply(values -> {
            List<Long> ids = new ArrayList<>(values.size());
            values.forEach(value -> ids.add(value.hasValue() ? Long.parseLong(value.getValue()) : 0L));
            return ids;
        });
    }

    @Override
    public CompletionStage<Long> raiseLastId(String roomKey, long atLeast) {
        return calls.script(RedisScripts.RAISE_LAST_ID, ScriptOutputType.INTEGER, keys(key("seq:", roomKey)), Long.toString(atLeast));
    }

    @Override
    public CompletionStage<List<StoredMessage>> history(String roomKey, String roomName, long from, long to, int count) {
        if (from > to || count <= 0) {
            return CompletableFuture.completedFuture(List.of());
        }
        Range<String> range = Range.create("0-" + from, "0-" + to);
        CompletionStage<List<StreamMessage<String, String>>> entries = count == Integer.MAX_VALUE
                ? RedisCalls.call(() -> redis.xrange(key("history:", roomKey), range))
                : RedisCalls.call(() -> redis.xrevrange(key("history:", roomKey), range, io.lettuce.core.Limit.from(count)))
                .thenApply(newestFirst -> {
                    List<StreamMessage<String, String>> oldestFirst = new ArrayList<>(newestFirst);
                    java.util.Collections.reverse(oldestFirst);
                    return oldestFirst;
                });
        return entries.thenApply(list -> {
            List<StoredMessage> messages = new ArrayList<>(list.size());
            list.forEach(entry -> messages.add(RedisReplies.stored(entry.getId(), roomName, entry.getBody())));
            return messages;
        });
    }

    @Override
    public CompletionStage<Void> publish(ClusterEvent event) {
        return RedisCalls.done(RedisCalls.call(() -> redis.publish(CHANNEL, EventLines.encode(event))));
    }

    @Override
    public CompletionStage<Boolean> saveControl(String roomKey, long expectedVersion, String json,
                                                ClusterEvent.ControlChange event) {
        return calls.<Long>script(RedisScripts.SAVE_CONTROL, ScriptOutputType.INTEGER,
                keys(key("control:", roomKey), key("members:", roomKey)),
                Long.toString(expectedVersion), json, CHANNEL, EventLines.encode(event)).thenApply(saved -> saved == 1);
    }

    @Override
    public CompletionStage<StoredControl> loadControl(String roomKey) {
        return RedisCalls.call(() -> redis.hmget(key("control:", roomKey), "v", "doc")).thenApply(values ->
                values.get(0).hasValue() ? new StoredControl(Long.parseLong(values.get(0).getValue()),
                        values.get(1).getValueOrElse(null)) : StoredControl.NONE);
    }

    @Override
    public CompletionStage<Long> liveNodes() {
        return RedisCalls.call(() -> redis.scard(NODES));
    }

    @Override
    public CompletionStage<Void> restoreControl(String roomKey, long version, String json) {
        return RedisCalls.done(calls.script(RedisScripts.RESTORE_CONTROL, ScriptOutputType.INTEGER,
                keys(key("control:", roomKey), key("members:", roomKey)), Long.toString(version), json));
    }

    @Override
    public CompletionStage<String> memberNick(String roomKey, String nickKey) {
        return RedisCalls.call(() -> redis.hget(key("members:", roomKey), nickKey))
                .thenApply(value -> value == null ? null : RedisReplies.afterBar(value));
    }

    @Override
    public CompletionStage<String> longestMember(String roomKey) {
        return calls.<String>script(RedisScripts.LONGEST_MEMBER, ScriptOutputType.VALUE,
                keys(key("since:", roomKey), key("members:", roomKey))).thenApply(value -> value == null ? null : RedisReplies.afterBar(value));
    }

    @Override
    public CompletionStage<Void> saveProfile(String nickKey, String json, String away, long ttlMillis) {
        CompletionStage<?> profile = RedisCalls.call(() -> redis.set(key("profile:", nickKey), json, SetArgs.Builder.px(ttlMillis)))
                .thenCompose(saved -> RedisCalls.call(() -> redis.sadd(PROFILES, nickKey)));
        CompletionStage<?> awayMessage = away == null ? RedisCalls.call(() -> redis.hdel(AWAY, nickKey))
                : RedisCalls.call(() -> redis.hset(AWAY, nickKey, away));
        return RedisCalls.done(profile.thenCombine(awayMessage, (a, b) -> null));
    }

    @Override
    public CompletionStage<String> loadProfile(String nickKey) {
        return RedisCalls.call(() -> redis.get(key("profile:", nickKey)));
    }

    @Override
    public CompletionStage<List<String>> profiles() {
        return calls.<List<Object>>script(RedisScripts.PROFILES, ScriptOutputType.MULTI, keys(PROFILES), PREFIX)
                .thenApply(found -> found.stream().map(String.class::cast).toList());
    }

    @Override
    public CompletionStage<Void> deleteProfile(String nickKey) {
        CompletionStage<?> profile = RedisCalls.call(() -> redis.del(key("profile:", nickKey)))
                .thenCompose(deleted -> RedisCalls.call(() -> redis.srem(PROFILES, nickKey)));
        return RedisCalls.done(profile.thenCombine(RedisCalls.call(() -> redis.hdel(AWAY, nickKey)), (a, b) -> null));
    }

    @Override
    public CompletionStage<Void> saveSession(String token, Backplane.Session session, long ttlMillis) {
        return RedisCalls.done(RedisCalls.call(() -> redis.set(key("resume:", token), ResumeLines.encode(session), SetArgs.Builder.px(ttlMillis))));
    }

    @Override
    public CompletionStage<Backplane.Session> loadSession(String token) {
        return RedisCalls.call(() -> redis.get(key("resume:", token))).thenApply(value -> value == null ? null : ResumeLines.decode(value));
    }

    @Override
    public CompletionStage<Void> deleteSession(String token) {
        return RedisCalls.done(RedisCalls.call(() -> redis.del(key("resume:", token))));
    }

    @Override
    public CompletionStage<Boolean> renew(List<UserLease> users, long leaseMillis, long sessionTtlMillis) {
        CompletionStage<String> previous = RedisCalls.call(() -> redis.setGet(key("node:", nodeId), "1", SetArgs.Builder.px(leaseMillis)));
        List<CompletableFuture<?>> steps = new ArrayList<>();
        steps.add(RedisCalls.call(() -> redis.sadd(NODES, nodeId)).toCompletableFuture());
        for (int start = 0; start < users.size(); start += RENEW_CHUNK) {
            List<UserLease> chunk = users.subList(start, Math.min(users.size(), start + RENEW_CHUNK));
            String[] nickKeys = new String[chunk.size()];
            String[] nickValues = new String[chunk.size() + 1];
            String[] resumeKeys = new String[chunk.size()];
            String[] resumeValues = new String[chunk.size() + 1];
            nickValues[0] = Long.toString(leaseMillis);
            resumeValues[0] = Long.toString(sessionTtlMillis);
            for (int i = 0; i < chunk.size(); i++) {
                UserLease user = chunk.get(i);
                nickKeys[i] = key("nick:", user.nickKey());
                nickValues[i + 1] = user.owner() + "|" + user.nick();
                resumeKeys[i] = key("resume:", user.resumeToken());
                resumeValues[i + 1] = ResumeLines.encode(user.session());
            }
            steps.add(calls.<List<Object>>script(RedisScripts.RENEW_NICKS, ScriptOutputType.MULTI, nickKeys, nickValues)
                    .thenAccept(conflicts -> reportConflicts(chunk, nickKeys, conflicts)).toCompletableFuture());
            steps.add(calls.script(RedisScripts.SAVE_ALL, ScriptOutputType.INTEGER, resumeKeys, resumeValues).toCompletableFuture());
        }
        return previous.thenCombine(CompletableFuture.allOf(steps.toArray(CompletableFuture[]::new)),
                (was, renewed) -> was == null);
    }

    /**
     * Nicknames of this node that the store gives to another ({@code nickKeys}: the chunk's keys, in its order).
     * For a user whose connection is lost that is expected: it resumed on another node, which will tell this one.
     * For a connected user it means this node was cut off long enough for its lease to run out.
     */
    private void reportConflicts(List<UserLease> chunk, String[] nickKeys, List<Object> conflictingKeys) {
        if (conflictingKeys.isEmpty()) {
            return;
        }
        Set<Object> conflicting = new HashSet<>(conflictingKeys);
        List<String> connected = new ArrayList<>();
        int resumedElsewhere = 0;
        for (int i = 0; i < chunk.size(); i++) {
            UserLease user = chunk.get(i);
            if (conflicting.contains(nickKeys[i])) {
                if (user.connected()) {
                    connected.add(user.nick());
                } else {
                    resumedElsewhere++;
                }
            }
        }
        if (!connected.isEmpty()) {
            log.warn("Nicknames held here were claimed elsewhere while this node was cut off: {}", connected);
        }
        if (resumedElsewhere > 0) {
            log.debug("{} users whose connection was lost here have resumed on other nodes", resumedElsewhere);
        }
    }

    @Override
    public CompletionStage<SyncResult> syncSeats(List<Seat> seats) {
        List<String> args = new ArrayList<>(List.of(PREFIX, nodeId + "/", "sync", nodeId));
        for (Seat seat : seats) {
            args.addAll(List.of(seat.roomKey(), seat.roomName(), seat.nickKey(), seat.owner() + "|" + seat.nick()));
        }
        return calls.<List<Object>>script(RedisScripts.SEATS, ScriptOutputType.MULTI, keys(key("seats:", nodeId), ROOMS, NODES),
                args.toArray(String[]::new)).thenApply(RedisClusterStore::seatChanges);
    }

    @Override
    public CompletionStage<List<SeatChange>> sweepDeadNodes() {
        return RedisCalls.call(() -> redis.smembers(NODES)).thenCompose(nodes -> {
            List<CompletableFuture<List<SeatChange>>> sweeps = new ArrayList<>();
            for (String other : nodes) {
                if (!other.equals(nodeId)) {
                    sweeps.add(sweep(other).toCompletableFuture());
                }
            }
            return CompletableFuture.allOf(sweeps.toArray(CompletableFuture[]::new)).thenApply(all -> {
                List<SeatChange> freed = new ArrayList<>();
                sweeps.forEach(sweep -> freed.addAll(sweep.join()));
                return freed;
            });
        });
    }

    /** Frees a node's seats if its lease has run out (the script checks, and only one node sweeps it). */
    private CompletionStage<List<SeatChange>> sweep(String other) {
        return calls.<List<Object>>script(RedisScripts.SEATS, ScriptOutputType.MULTI, keys(key("seats:", other), ROOMS, NODES),
                PREFIX, other + "/", "sweep", other).thenApply(result -> {
            List<SeatChange> removed = seatChanges(result).removed();
            if (!removed.isEmpty()) {
                log.info("Node {} stopped renewing its lease: freed {} seats", other, removed.size());
            }
            return removed;
        });
    }

    @SuppressWarnings("unchecked")
    private static SyncResult seatChanges(List<Object> result) {
        return new SyncResult(changes((List<Object>) result.get(0)), changes((List<Object>) result.get(1)));
    }

    private static List<SeatChange> changes(List<Object> flat) {
        List<SeatChange> changes = new ArrayList<>();
        for (int i = 0; i + 2 < flat.size(); i += 3) {
            changes.add(new SeatChange((String) flat.get(i), (String) flat.get(i + 1), (String) flat.get(i + 2)));
        }
        return changes;
    }

    // ---- plumbing ----

    private static String key(String kind, String name) {
        return PREFIX + kind + name;
    }

    private static String[] keys(String... keys) {
        return keys;
    }
}
