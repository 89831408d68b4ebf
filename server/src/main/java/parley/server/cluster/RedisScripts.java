package parley.server.cluster;

/**
 * The Lua scripts {@link RedisClusterStore} runs: each is one atomic step on keys the store describes, so that no
 * other node sees a half-done change. {@code ARGV[1]} of the seat scripts is the key prefix.
 */
final class RedisScripts {
    private RedisScripts() {
    }

    /** Refused ({@code {false}}) while the store has no lease of the node: its seats must be put back first. */
    /** Returns the members seated by other nodes only: the caller knows its own, and a big room stays cheap. */
    /**
     * Also returns the away messages of those members (nickname key, message, ...), the room's control (version,
     * JSON) and notes when the member was seated; a room created by this seat starts without a control.
     */
    static final String ENTER = """
            if redis.call('EXISTS', KEYS[6]) == 0 then return {false} end
            if redis.call('HLEN', KEYS[2]) == 0 then redis.call('DEL', KEYS[7], KEYS[9]) end
            redis.call('HSETNX', KEYS[1], ARGV[1], ARGV[2])
            local name = redis.call('HGET', KEYS[1], ARGV[1])
            redis.call('HSET', KEYS[2], ARGV[3], ARGV[4])
            redis.call('SADD', KEYS[3], ARGV[1] .. '\\n' .. ARGV[3])
            local t = redis.call('TIME')
            redis.call('ZADD', KEYS[9], 'NX', t[1] * 1000000 + t[2], ARGV[3])
            local recent = {}
            if tonumber(ARGV[5]) > 0 then
              recent = redis.call('XREVRANGE', KEYS[5], '+', '-', 'COUNT', ARGV[5])
            end
            local elsewhere, away = {}, {}
            local anyAway = redis.call('HLEN', KEYS[8]) > 0
            local all = redis.call('HGETALL', KEYS[2])
            for i = 1, #all, 2 do
              local v = all[i + 1]
              if string.sub(v, 1, #ARGV[6]) ~= ARGV[6] then
                table.insert(elsewhere, v)
                if anyAway then
                  local message = redis.call('HGET', KEYS[8], all[i])
                  if message then table.insert(away, v); table.insert(away, message) end
                end
              end
            end
            local control = redis.call('HMGET', KEYS[7], 'v', 'doc')
            return {name, redis.call('GET', KEYS[4]) or '0', elsewhere, recent, away, control[1] or '0', control[2] or ''}""";
    /** Saves a room's control if its version is still ARGV[1] and the room has members, then publishes. */
    static final String SAVE_CONTROL = """
            if redis.call('HLEN', KEYS[2]) == 0 then return 0 end
            if tonumber(redis.call('HGET', KEYS[1], 'v') or '0') ~= tonumber(ARGV[1]) then return 0 end
            redis.call('HSET', KEYS[1], 'v', tonumber(ARGV[1]) + 1, 'doc', ARGV[2])
            redis.call('PUBLISH', ARGV[3], ARGV[4])
            return 1""";
    /** Puts a room's control back under version ARGV[1] unless the store has a newer one or the room no members. */
    static final String RESTORE_CONTROL = """
            if redis.call('HLEN', KEYS[2]) == 0 then return 0 end
            local v = redis.call('HGET', KEYS[1], 'v')
            if v and tonumber(v) >= tonumber(ARGV[1]) then return 0 end
            redis.call('HSET', KEYS[1], 'v', ARGV[1], 'doc', ARGV[2])
            return 1""";
    /** The profiles of every user whose nickname is held; profiles of nicknames nobody holds are forgotten. */
    static final String PROFILES = """
            local out = {}
            for _, k in ipairs(redis.call('SMEMBERS', KEYS[1])) do
              local p = redis.call('GET', ARGV[1] .. 'profile:' .. k)
              if p and redis.call('EXISTS', ARGV[1] .. 'nick:' .. k) == 1 then
                table.insert(out, p)
              else
                redis.call('SREM', KEYS[1], k)
              end
            end
            return out""";
    /** The member seated longest whose seat is still there; seats that went are forgotten on the way. */
    static final String LONGEST_MEMBER = """
            for _, nk in ipairs(redis.call('ZRANGE', KEYS[1], 0, -1)) do
              local v = redis.call('HGET', KEYS[2], nk)
              if v then return v end
              redis.call('ZREM', KEYS[1], nk)
            end
            return false""";
    static final String TAKE_NICK = """
            local v = redis.call('GET', KEYS[1])
            if (not v) or string.sub(v, 1, #ARGV[1]) == ARGV[1] then
              redis.call('SET', KEYS[1], ARGV[2], 'PX', ARGV[3])
              return 1
            end
            return 0""";
    static final String APPEND = """
            local id = math.max(tonumber(redis.call('GET', KEYS[1]) or '0'), tonumber(ARGV[5])) + 1
            local digits = string.format('%d', id)
            redis.call('SET', KEYS[1], digits)
            if tonumber(ARGV[4]) > 0 then
              redis.call('XADD', KEYS[2], 'MAXLEN', ARGV[4], '0-' .. digits,
                'from', ARGV[1], 'text', ARGV[2], 'ts', ARGV[3], 'o', ARGV[6], 'n', ARGV[7], 'k', ARGV[12])
            end
            redis.call('PUBLISH', ARGV[8], ARGV[9] .. digits .. '\\n' .. ARGV[7] .. '\\n' .. ARGV[10] .. digits .. ARGV[11])
            return id""";
    static final String RAISE_GUESTS = """
            if tonumber(redis.call('GET', KEYS[1]) or '0') < tonumber(ARGV[1]) then redis.call('SET', KEYS[1], ARGV[1]) end
            return 0""";
    static final String REMOVE_MEMBER = """
            redis.call('SREM', KEYS[3], ARGV[1] .. '\\n' .. ARGV[2])
            local v = redis.call('HGET', KEYS[2], ARGV[2])
            if v and string.sub(v, 1, #ARGV[3]) == ARGV[3] then
              redis.call('HDEL', KEYS[2], ARGV[2])
              redis.call('ZREM', KEYS[7], ARGV[2])
              if redis.call('HLEN', KEYS[2]) == 0 then
                redis.call('DEL', KEYS[4], KEYS[5], KEYS[6], KEYS[7])
                redis.call('HDEL', KEYS[1], ARGV[1])
              end
            end
            return 0""";
    static final String RENAME_MEMBER = """
            local v = redis.call('HGET', KEYS[1], ARGV[2])
            if v and string.sub(v, 1, #ARGV[4]) == ARGV[4] then redis.call('HDEL', KEYS[1], ARGV[2]) end
            local since = redis.call('ZSCORE', KEYS[3], ARGV[2])
            if since then
              redis.call('ZREM', KEYS[3], ARGV[2])
              redis.call('ZADD', KEYS[3], since, ARGV[3])
            end
            redis.call('HSET', KEYS[1], ARGV[3], ARGV[5])
            redis.call('SREM', KEYS[2], ARGV[1] .. '\\n' .. ARGV[2])
            redis.call('SADD', KEYS[2], ARGV[1] .. '\\n' .. ARGV[3])
            return 0""";
    static final String RELEASE_NICK = """
            local v = redis.call('GET', KEYS[1])
            if v and string.sub(v, 1, #ARGV[1]) == ARGV[1] then redis.call('DEL', KEYS[1]) end
            return 0""";
    static final String RENEW_NICKS = """
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
    static final String SAVE_ALL = """
            for i, k in ipairs(KEYS) do redis.call('SET', k, ARGV[i + 1], 'PX', ARGV[1]) end
            return 0""";
    static final String RAISE_LAST_ID = """
            local v = tonumber(redis.call('GET', KEYS[1]) or '0')
            if v < tonumber(ARGV[1]) then redis.call('SET', KEYS[1], ARGV[1]) end
            return v""";
    static final String ROOMS_WITH_COUNTS = """
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
    static final String SEATS = """
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
                  redis.call('ZREM', p .. 'since:' .. rk, nk)
                  table.insert(removed, rk)
                  table.insert(removed, redis.call('HGET', KEYS[2], rk) or rk)
                  table.insert(removed, string.match(v, '|(.*)$'))
                  if redis.call('HLEN', mk) == 0 then
                    redis.call('DEL', p .. 'seq:' .. rk, p .. 'history:' .. rk, p .. 'control:' .. rk, p .. 'since:' .. rk)
                    redis.call('HDEL', KEYS[2], rk)
                  end
                end
                redis.call('SREM', KEYS[1], e)
              end
            end
            for i = 5, #ARGV, 4 do
              redis.call('HSETNX', KEYS[2], ARGV[i], ARGV[i + 1])
              if redis.call('HSET', p .. 'members:' .. ARGV[i], ARGV[i + 2], ARGV[i + 3]) == 1 then
                local t = redis.call('TIME')
                redis.call('ZADD', p .. 'since:' .. ARGV[i], 'NX', t[1] * 1000000 + t[2], ARGV[i + 2])
                table.insert(added, ARGV[i])
                table.insert(added, redis.call('HGET', KEYS[2], ARGV[i]))
                table.insert(added, string.match(ARGV[i + 3], '|(.*)$'))
              end
              redis.call('SADD', KEYS[1], ARGV[i] .. '\\n' .. ARGV[i + 2])
            end
            return {removed, added}""";
}
