package parley.server.cluster;

import io.lettuce.core.RedisCommandExecutionException;
import io.lettuce.core.RedisException;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.api.async.RedisAsyncCommands;
import parley.server.chat.ClusterUnavailable;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;

/** How {@link RedisClusterStore} calls Redis: scripts by digest, and failures told apart (out of reach or refused). */
final class RedisCalls {
    private final RedisAsyncCommands<String, String> redis;

    RedisCalls(RedisAsyncCommands<String, String> redis) {
        this.redis = redis;
    }

    /**
     * Runs a script by its digest; when Redis does not know it (a restarted Redis lost its script cache), by its
     * text, which loads it again.
     */
    <T> CompletionStage<T> script(String script, ScriptOutputType type, String[] keys, String... args) {
        return call(() -> redis.<T>evalsha(sha1(script), type, keys, args).exceptionallyCompose(failure -> {
            Throwable cause = unwrap(failure);
            if (cause instanceof RedisCommandExecutionException && String.valueOf(cause.getMessage()).startsWith("NOSCRIPT")) {
                return redis.<T>eval(script, type, keys, args);
            }
            return CompletableFuture.failedFuture(cause);
        }));
    }

    private static final Map<String, String> DIGESTS = new java.util.concurrent.ConcurrentHashMap<>();

    private static String sha1(String script) {
        return DIGESTS.computeIfAbsent(script, text -> {
            try {
                return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-1").digest(text.getBytes(StandardCharsets.UTF_8)));
            } catch (NoSuchAlgorithmException e) {
                throw new IllegalStateException(e);
            }
        });
    }

    static <T> CompletionStage<Void> done(CompletionStage<T> stage) {
        return stage.thenApply(result -> null);
    }

    /**
     * Makes a Redis call; not reaching Redis becomes {@link ClusterUnavailable}, a refused command stays an error.
     * A call that fails before it is sent (Lettuce may throw at once) fails its stage too.
     */
    static <T> CompletionStage<T> call(java.util.function.Supplier<CompletionStage<T>> command) {
        CompletionStage<T> sent;
        try {
            sent = command.get();
        } catch (RuntimeException e) {
            sent = CompletableFuture.failedFuture(e);
        }
        return sent.handle((result, failure) -> {
            if (failure == null) {
                return result;
            }
            throw translate(unwrap(failure));
        });
    }

    private static RuntimeException translate(Throwable failure) {
        if (failure instanceof ClusterUnavailable unavailable) {
            return unavailable;
        }
        if (failure instanceof RedisCommandExecutionException) {
            String message = failure.getMessage() == null ? "" : failure.getMessage();
            if (message.startsWith("LOADING") || message.startsWith("BUSY") || message.startsWith("MASTERDOWN")
                    || message.startsWith("READONLY") || message.startsWith("TRYAGAIN")) {
                return new ClusterUnavailable(message, failure);
            }
            return new IllegalStateException("Redis refused a command: " + message, failure);
        }
        if (failure instanceof RedisException || failure instanceof java.util.concurrent.CancellationException) {
            return new ClusterUnavailable(rootMessage(failure), failure);
        }
        return failure instanceof RuntimeException runtime ? runtime : new IllegalStateException(failure);
    }

    private static Throwable unwrap(Throwable failure) {
        Throwable cause = failure;
        while (cause instanceof CompletionException && cause.getCause() != null) {
            cause = cause.getCause();
        }
        return cause;
    }

    static String rootMessage(Throwable e) {
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        return root.getMessage() == null ? root.getClass().getSimpleName() : root.getMessage();
    }
}
