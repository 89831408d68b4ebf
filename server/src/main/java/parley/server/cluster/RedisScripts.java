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
    static final String ENTER = """
            if redis.call('EXISTS', KEYS[6]) == 0 then return {false} end
            redis.call('HSETNX', KEYS[1], ARGV[1], ARGV[2])
            local name = redis.call('HGET', KEYS[1], ARGV[1])
            redis.call('HSET', KEYS[2], ARGV[3], ARGV[4])
            redis.call('SADD', KEYS[3], ARGV[1] .. '\\n' .. ARGV[3])
            local recent = {}
            if tonumber(ARGV[5]) > 0 then
              recent = redis.call('XREVRANGE', KEYS[5], '+', '-', 'COUNT', ARGV[5])
            end
            local elsewhere = {}
            for _, v in ipairs(redis.call('HVALS', KEYS[2])) do
              if string.sub(v, 1, #ARGV[6]) ~= ARGV[6] then table.insert(elsewhere, v) end
            end
            return {name, redis.call('GET', KEYS[4]) or '0', elsewhere, recent}""";
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
                'from', ARGV[1], 'text', ARGV[2], 'ts', ARGV[3], 'o', ARGV[6], 'n', ARGV[7])
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
              if redis.call('HLEN', KEYS[2]) == 0 then
                redis.call('DEL', KEYS[4], KEYS[5])
                redis.call('HDEL', KEYS[1], ARGV[1])
              end
            end
            return 0""";
    static final String RENAME_MEMBER = """
            local v = redis.call('HGET', KEYS[1], ARGV[2])
            if v and string.sub(v, 1, #ARGV[4]) == ARGV[4] then redis.call('HDEL', KEYS[1], ARGV[2]) end
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
}
