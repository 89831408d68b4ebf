package parley.server.cluster;

import io.lettuce.core.ClientOptions;
import io.lettuce.core.Limit;
import io.lettuce.core.Range;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisCommandExecutionException;
import io.lettuce.core.RedisException;
import io.lettuce.core.RedisURI;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.SetArgs;
import io.lettuce.core.StreamMessage;
import io.lettuce.core.TimeoutOptions;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;
import io.lettuce.core.pubsub.RedisPubSubAdapter;
import io.lettuce.core.pubsub.StatefulRedisPubSubConnection;
import io.lettuce.core.resource.ClientResources;
import io.lettuce.core.resource.DefaultClientResources;
import io.lettuce.core.resource.Delay;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import parley.protocol.ServerEvent;
import parley.server.chat.ClusterEvent;
import parley.server.chat.ClusterStore;

import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * The cluster's shared state in one Redis (a single server or a primary; not Redis Cluster, because the scripts
 * touch keys of several rooms at once). Keys, all under {@code parley:}:
 * <ul>
 *   <li>{@code node:ID} — a node's lease; {@code nodes} — every node that may hold seats;
 *       {@code seats:ID} — a node's seats as {@code ROOMKEY\nNICKKEY}</li>
 *   <li>{@code nick:NICKKEY} — {@code OWNER|NICK} under the owning node's lease</li>
 *   <li>{@code rooms} — room key to name; {@code members:ROOMKEY} — nick key to {@code OWNER|NICK}</li>
 *   <li>{@code seq:ROOMKEY} — the room's last message id; {@code history:ROOMKEY} — a stream capped at the resume
 *       buffer, entry id {@code 0-ID}</li>
 *   <li>{@code resume:TOKEN} — a session to resume on any node; {@code guests} — the guest nickname counter</li>
 * </ul>
 * Events go out on the channel {@code parley:events}, one line per field. Commands that cannot reach Redis
 * fail at once (Lettuce rejects commands while disconnected and reconnects by itself) or after the timeout.
 */
public final class RedisClusterStore implements ClusterStore {
    private static final Logger log = LoggerFactory.getLogger(RedisClusterStore.class);
    private static final String PREFIX = "parley:";
    private static final String CHANNEL = PREFIX + "events";
    private static final String NODES = PREFIX + "nodes";
    private static final String ROOMS = PREFIX + "rooms";
    private static final String GUESTS = PREFIX + "guests";
    private static final int RENEW_CHUNK = 500;

    private static final String ADD_MEMBER = """
            redis.call('HSETNX', KEYS[1], ARGV[1], ARGV[2])
            local name = redis.call('HGET', KEYS[1], ARGV[1])
            local added = redis.call('HSET', KEYS[2], ARGV[3], ARGV[4])
            redis.call('SADD', KEYS[3], ARGV[1] .. '\\n' .. ARGV[3])
            return {name, added}""";
    private static final String REMOVE_MEMBER = """
            redis.call('SREM', KEYS[3], ARGV[1] .. '\\n' .. ARGV[2])
            local v = redis.call('HGET', KEYS[2], ARGV[2])
            if v and string.sub(v, 1, #ARGV[3]) == ARGV[3] then
              redis.call('HDEL', KEYS[2], ARGV[2])
              if redis.call('HLEN', KEYS[2]) == 0 then
                redis.call('DEL', KEYS[4], KEYS[5])
                redis.call('HDEL', KEYS[1], ARGV[1])
              end
            end
            return 0""";
    private static final String RENAME_MEMBER = """
            local v = redis.call('HGET', KEYS[1], ARGV[2])
            if v and string.sub(v, 1, #ARGV[4]) == ARGV[4] then redis.call('HDEL', KEYS[1], ARGV[2]) end
            redis.call('HSET', KEYS[1], ARGV[3], ARGV[5])
            redis.call('SREM', KEYS[2], ARGV[1] .. '\\n' .. ARGV[2])
            redis.call('SADD', KEYS[2], ARGV[1] .. '\\n' .. ARGV[3])
            return 0""";
    private static final String RELEASE_NICK = """
            local v = redis.call('GET', KEYS[1])
            if v and string.sub(v, 1, #ARGV[1]) == ARGV[1] then redis.call('DEL', KEYS[1]) end
            return 0""";
    private static final String TAKE_OVER_NICK = """
            local v = redis.call('GET', KEYS[1])
            if (not v) or string.sub(v, 1, #ARGV[1]) == ARGV[1] then
              redis.call('SET', KEYS[1], ARGV[2], 'PX', ARGV[3])
              return 1
            end
            return 0""";
    private static final String RENEW_NICKS = """
            local conflicts = {}
            for i, k in ipairs(KEYS) do
              local want = ARGV[i + 1]
              local prefix = string.match(want, '^[^|]*|')
              local v = redis.call('GET', k)
              if (not v) or string.sub(v, 1, #prefix) == prefix then
                redis.call('SET', k, want, 'PX', ARGV[1])
              else
                table.insert(conflicts, k)
              end
            end
            return conflicts""";
    private static final String SAVE_ALL = """
            for i, k in ipairs(KEYS) do redis.call('SET', k, ARGV[i + 1], 'PX', ARGV[1]) end
            return 0""";
    private static final String APPEND = """
            local id = math.max(tonumber(redis.call('GET', KEYS[1]) or '0'), tonumber(ARGV[5])) + 1
            local digits = string.format('%d', id)
            redis.call('SET', KEYS[1], digits)
            if tonumber(ARGV[4]) > 0 then
              redis.call('XADD', KEYS[2], 'MAXLEN', ARGV[4], '0-' .. digits, 'from', ARGV[1], 'text', ARGV[2], 'ts', ARGV[3])
            end
            return id""";
    private static final String RAISE_LAST_ID = """
            local v = tonumber(redis.call('GET', KEYS[1]) or '0')
            if v < tonumber(ARGV[1]) then redis.call('SET', KEYS[1], ARGV[1]) end
            return v""";
    private static final String ROOMS_WITH_COUNTS = """
            local out = {}
            local all = redis.call('HGETALL', KEYS[1])
            for i = 1, #all, 2 do
              local n = redis.call('HLEN', ARGV[1] .. 'members:' .. all[i])
              if n > 0 then
                table.insert(out, all[i + 1])
                table.insert(out, n)
              end
            end
            return out""";
    /**
     * Makes a node's recorded seats exactly the given ones (sync), or frees all seats of a node whose lease ran
     * out (sweep; only the node that takes it out of the node set sweeps it). Returns {removed, added}, each a
     * flat list of room key, room name, nick.
     */
    private static final String SEATS = """
            local p = ARGV[1]
            if ARGV[3] == 'sweep' then
              if redis.call('EXISTS', p .. 'node:' .. ARGV[4]) == 1 then return {{}, {}} end
              if redis.call('SREM', KEYS[3], ARGV[4]) == 0 then return {{}, {}} end
            end
            local wanted = {}
            for i = 5, #ARGV, 4 do wanted[ARGV[i] .. '\\n' .. ARGV[i + 2]] = true end
            local removed, added = {}, {}
            for _, e in ipairs(redis.call('SMEMBERS', KEYS[1])) do
              if not wanted[e] then
                local rk, nk = string.match(e, '^(.-)\\n(.*)$')
                local mk = p .. 'members:' .. rk
                local v = redis.call('HGET', mk, nk)
                if v and string.sub(v, 1, #ARGV[2]) == ARGV[2] then
                  redis.call('HDEL', mk, nk)
                  table.insert(removed, rk)
                  table.insert(removed, redis.call('HGET', KEYS[2], rk) or rk)
                  table.insert(removed, string.match(v, '|(.*)$'))
                  if redis.call('HLEN', mk) == 0 then
                    redis.call('DEL', p .. 'seq:' .. rk, p .. 'history:' .. rk)
                    redis.call('HDEL', KEYS[2], rk)
                  end
                end
                redis.call('SREM', KEYS[1], e)
              end
            end
            for i = 5, #ARGV, 4 do
              redis.call('HSETNX', KEYS[2], ARGV[i], ARGV[i + 1])
              if redis.call('HSET', p .. 'members:' .. ARGV[i], ARGV[i + 2], ARGV[i + 3]) == 1 then
                table.insert(added, ARGV[i])
                table.insert(added, redis.call('HGET', KEYS[2], ARGV[i]))
                table.insert(added, string.match(ARGV[i + 3], '|(.*)$'))
              end
              redis.call('SADD', KEYS[1], ARGV[i] .. '\\n' .. ARGV[i + 2])
            end
            return {removed, added}""";

    private final String nodeId;
    private final ClientResources resources;
    private final RedisClient client;
    private final StatefulRedisConnection<String, String> connection;
    private final RedisCommands<String, String> redis;
    private final StatefulRedisPubSubConnection<String, String> events;
    private final Map<String, String> scriptDigests = new ConcurrentHashMap<>();
    private final ExecutorService eventThread;
    private volatile Consumer<ClusterEvent> listener = event -> { };

    /**
     * Connects to Redis.
     *
     * @param maxQueuedEvents cluster events received and not yet handled; beyond it events are dropped (room
     *                        messages are fetched again from the history, presence is lost) and a warning logged
     * @throws Unavailable when Redis cannot be reached now
     */
    public RedisClusterStore(String redisUri, Duration commandTimeout, int maxQueuedEvents) {
        byte[] id = new byte[6];
        new SecureRandom().nextBytes(id);
        this.nodeId = HexFormat.of().formatHex(id);
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
            this.redis = connection.sync();
            this.events = client.connectPubSub();
        } catch (RedisException e) {
            client.shutdown();
            resources.shutdown();
            eventThread.shutdownNow();
            throw new Unavailable("cannot reach Redis at " + redisUri + ": " + rootMessage(e), e);
        }
    }

    @Override
    public String nodeId() {
        return nodeId;
    }

    @Override
    public boolean isUp() {
        return connection.isOpen() && events.isOpen();
    }

    @Override
    public void start(Consumer<ClusterEvent> onEvent) {
        this.listener = onEvent;
        events.addListener(new RedisPubSubAdapter<>() {
            @Override
            public void message(String channel, String message) {
                ClusterEvent event = EventLines.decode(message);
                if (event == null) {
                    log.warn("Ignoring an unreadable cluster event: {}", message);
                    return;
                }
                try {
                    // Handled off Lettuce's I/O thread: handlers call Redis and wait for the answer.
                    eventThread.execute(() -> listener.accept(event));
                } catch (RejectedExecutionException e) {
                    log.warn("Cluster event queue full: dropped {}", event.getClass().getSimpleName());
                }
            }
        });
        call(() -> {
            events.sync().subscribe(CHANNEL);
            return null;
        });
    }

    @Override
    public void stop() {
        eventThread.shutdownNow();
        try {
            redis.del(key("node:", nodeId));
        } catch (RuntimeException e) {
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
    public long nextGuestNumber() {
        return call(() -> redis.incr(GUESTS));
    }

    @Override
    public boolean claimNick(String nickKey, String owner, String nick, long leaseMillis) {
        return call(() -> "OK".equals(redis.set(key("nick:", nickKey), owner + "|" + nick, SetArgs.Builder.nx().px(leaseMillis))));
    }

    @Override
    public void releaseNick(String nickKey, String owner) {
        script(RELEASE_NICK, ScriptOutputType.INTEGER, keys(key("nick:", nickKey)), owner + "|");
    }

    @Override
    public boolean takeOverNick(String nickKey, String oldOwner, String newOwner, String nick, long leaseMillis) {
        Long taken = script(TAKE_OVER_NICK, ScriptOutputType.INTEGER, keys(key("nick:", nickKey)),
                oldOwner + "|", newOwner + "|" + nick, Long.toString(leaseMillis));
        return taken == 1;
    }

    @Override
    public String nickHolder(String nickKey) {
        String value = call(() -> redis.get(key("nick:", nickKey)));
        return value == null ? null : value.substring(value.indexOf('|') + 1);
    }

    @Override
    public Membership addMember(String roomKey, String roomName, String nickKey, String owner, String nick) {
        List<Object> result = script(ADD_MEMBER, ScriptOutputType.MULTI,
                keys(ROOMS, key("members:", roomKey), key("seats:", nodeId)), roomKey, roomName, nickKey, owner + "|" + nick);
        return new Membership((String) result.get(0), ((Long) result.get(1)) == 1);
    }

    @Override
    public void removeMember(String roomKey, String nickKey, String owner) {
        script(REMOVE_MEMBER, ScriptOutputType.INTEGER,
                keys(ROOMS, key("members:", roomKey), key("seats:", nodeId), key("seq:", roomKey), key("history:", roomKey)),
                roomKey, nickKey, owner + "|");
    }

    @Override
    public void renameMember(List<String> roomKeys, String oldNickKey, String newNickKey, String owner, String nick) {
        for (String roomKey : roomKeys) {
            script(RENAME_MEMBER, ScriptOutputType.INTEGER, keys(key("members:", roomKey), key("seats:", nodeId)),
                    roomKey, oldNickKey, newNickKey, owner + "|", owner + "|" + nick);
        }
    }

    @Override
    public List<String> members(String roomKey) {
        List<String> values = call(() -> redis.hvals(key("members:", roomKey)));
        List<String> nicks = new ArrayList<>(values.size());
        values.forEach(value -> nicks.add(value.substring(value.indexOf('|') + 1)));
        return nicks;
    }

    @Override
    public List<ServerEvent.RoomInfo> rooms() {
        List<Object> flat = script(ROOMS_WITH_COUNTS, ScriptOutputType.MULTI, keys(ROOMS), PREFIX);
        List<ServerEvent.RoomInfo> rooms = new ArrayList<>();
        for (int i = 0; i + 1 < flat.size(); i += 2) {
            rooms.add(new ServerEvent.RoomInfo((String) flat.get(i), ((Long) flat.get(i + 1)).intValue()));
        }
        rooms.sort((a, b) -> String.CASE_INSENSITIVE_ORDER.compare(a.name(), b.name()));
        return rooms;
    }

    @Override
    public long append(String roomKey, String from, String text, long timestamp, int keep, long floor) {
        return script(APPEND, ScriptOutputType.INTEGER, keys(key("seq:", roomKey), key("history:", roomKey)),
                from, text, Long.toString(timestamp), Integer.toString(keep), Long.toString(floor));
    }

    @Override
    public long lastId(String roomKey) {
        String value = call(() -> redis.get(key("seq:", roomKey)));
        return value == null ? 0 : Long.parseLong(value);
    }

    @Override
    public long raiseLastId(String roomKey, long atLeast) {
        return script(RAISE_LAST_ID, ScriptOutputType.INTEGER, keys(key("seq:", roomKey)), Long.toString(atLeast));
    }

    @Override
    public List<ServerEvent.Message> history(String roomKey, String roomName, long from, long to, int count) {
        if (from > to || count <= 0) {
            return List.of();
        }
        Range<String> range = Range.create("0-" + from, "0-" + to);
        List<StreamMessage<String, String>> entries = call(() -> count == Integer.MAX_VALUE
                ? redis.xrange(key("history:", roomKey), range)
                : reversed(redis.xrevrange(key("history:", roomKey), range, Limit.from(count))));
        List<ServerEvent.Message> messages = new ArrayList<>(entries.size());
        for (StreamMessage<String, String> entry : entries) {
            Map<String, String> body = entry.getBody();
            messages.add(new ServerEvent.Message(entry.getId().substring(2), roomName, body.get("from"), body.get("text"),
                    Long.parseLong(body.get("ts"))));
        }
        return messages;
    }

    private static <T> List<T> reversed(List<T> list) {
        List<T> copy = new ArrayList<>(list);
        Collections.reverse(copy);
        return copy;
    }

    @Override
    public void publish(ClusterEvent event) {
        call(() -> redis.publish(CHANNEL, EventLines.encode(event)));
    }

    @Override
    public void saveResume(String token, ResumeRecord record, long ttlMillis) {
        call(() -> redis.set(key("resume:", token), ResumeLines.encode(record), SetArgs.Builder.px(ttlMillis)));
    }

    @Override
    public ResumeRecord loadResume(String token) {
        String value = call(() -> redis.get(key("resume:", token)));
        return value == null ? null : ResumeLines.decode(value);
    }

    @Override
    public void deleteResume(String token) {
        call(() -> redis.del(key("resume:", token)));
    }

    @Override
    public boolean renew(List<UserLease> users, long leaseMillis, long resumeTtlMillis) {
        String previous = call(() -> redis.setGet(key("node:", nodeId), "1", SetArgs.Builder.px(leaseMillis)));
        call(() -> redis.sadd(NODES, nodeId));
        for (int start = 0; start < users.size(); start += RENEW_CHUNK) {
            List<UserLease> chunk = users.subList(start, Math.min(users.size(), start + RENEW_CHUNK));
            String[] nickKeys = new String[chunk.size()];
            String[] nickValues = new String[chunk.size() + 1];
            String[] resumeKeys = new String[chunk.size()];
            String[] resumeValues = new String[chunk.size() + 1];
            nickValues[0] = Long.toString(leaseMillis);
            resumeValues[0] = Long.toString(resumeTtlMillis);
            for (int i = 0; i < chunk.size(); i++) {
                UserLease user = chunk.get(i);
                nickKeys[i] = key("nick:", user.nickKey());
                nickValues[i + 1] = user.owner() + "|" + user.nick();
                resumeKeys[i] = key("resume:", user.resumeToken());
                resumeValues[i + 1] = ResumeLines.encode(user.resume());
            }
            List<Object> conflicts = script(RENEW_NICKS, ScriptOutputType.MULTI, nickKeys, nickValues);
            if (!conflicts.isEmpty()) {
                log.warn("Nicknames held here were claimed elsewhere while this node was cut off: {}", conflicts);
            }
            script(SAVE_ALL, ScriptOutputType.INTEGER, resumeKeys, resumeValues);
        }
        return previous == null;
    }

    @Override
    public SyncResult syncSeats(List<Seat> seats) {
        List<String> args = new ArrayList<>(List.of(PREFIX, nodeId + "/", "sync", nodeId));
        for (Seat seat : seats) {
            args.addAll(List.of(seat.roomKey(), seat.roomName(), seat.nickKey(), seat.owner() + "|" + seat.nick()));
        }
        return seatChanges(script(SEATS, ScriptOutputType.MULTI, keys(key("seats:", nodeId), ROOMS, NODES),
                args.toArray(String[]::new)));
    }

    @Override
    public List<SeatChange> sweepDeadNodes() {
        List<SeatChange> freed = new ArrayList<>();
        for (String other : call(() -> redis.smembers(NODES))) {
            if (other.equals(nodeId) || call(() -> redis.exists(key("node:", other))) > 0) {
                continue;
            }
            SyncResult result = seatChanges(script(SEATS, ScriptOutputType.MULTI,
                    keys(key("seats:", other), ROOMS, NODES), PREFIX, other + "/", "sweep", other));
            if (!result.removed().isEmpty()) {
                log.info("Node {} stopped renewing its lease: freed {} seats", other, result.removed().size());
            }
            freed.addAll(result.removed());
        }
        return freed;
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

    /** Runs a script by its digest, loading it first (again after Redis lost its script cache in a restart). */
    private <T> T script(String script, ScriptOutputType type, String[] keys, String... args) {
        return call(() -> {
            String digest = scriptDigests.computeIfAbsent(script, redis::scriptLoad);
            try {
                return redis.evalsha(digest, type, keys, args);
            } catch (RedisCommandExecutionException e) {
                if (e.getMessage() == null || !e.getMessage().startsWith("NOSCRIPT")) {
                    throw e;
                }
                scriptDigests.put(script, redis.scriptLoad(script));
                return redis.evalsha(scriptDigests.get(script), type, keys, args);
            }
        });
    }

    /** Runs a Redis call; not reaching Redis becomes {@link Unavailable}, a refused command stays an error. */
    private static <T> T call(Supplier<T> command) {
        try {
            return command.get();
        } catch (RedisCommandExecutionException e) {
            String message = e.getMessage() == null ? "" : e.getMessage();
            if (message.startsWith("LOADING") || message.startsWith("BUSY") || message.startsWith("MASTERDOWN")
                    || message.startsWith("READONLY") || message.startsWith("TRYAGAIN")) {
                throw new Unavailable(message, e);
            }
            throw new IllegalStateException("Redis refused a command: " + message, e);
        } catch (RedisException e) {
            throw new Unavailable(rootMessage(e), e);
        }
    }

    private static String rootMessage(Throwable e) {
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        return root.getMessage() == null ? root.getClass().getSimpleName() : root.getMessage();
    }
}
