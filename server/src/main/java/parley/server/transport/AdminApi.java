package parley.server.transport;

import jakarta.json.Json;
import jakarta.json.JsonException;
import jakarta.json.JsonObject;
import jakarta.json.JsonString;
import jakarta.json.JsonValue;
import jakarta.json.bind.Jsonb;
import jakarta.json.bind.JsonbBuilder;
import jakarta.json.bind.JsonbConfig;
import org.glassfish.grizzly.http.Method;
import org.glassfish.grizzly.http.server.HttpHandler;
import org.glassfish.grizzly.http.server.Request;
import org.glassfish.grizzly.http.server.RequestExecutorProvider;
import org.glassfish.grizzly.http.server.Response;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import parley.server.LogText;
import parley.server.chat.Chat;
import parley.server.chat.Outcome;

import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

/**
 * {@code /admin/…} on the chat's port, for the server's administrators: who is connected, which rooms exist,
 * removing a user, notices, and draining the node for a restart. Every call needs {@code Authorization: Bearer
 * TOKEN} (compared in constant time); a missing or wrong token is 401, and an address that keeps sending wrong
 * ones is answered 429 for a while, as with passwords. JSON in and out. Calls run on a thread of their own, never
 * on a selector thread: they may wait for the cluster.
 */
final class AdminApi extends HttpHandler {
    private static final Logger log = LoggerFactory.getLogger(AdminApi.class);
    /** Largest request body read. */
    static final int MAX_BODY_BYTES = 16 * 1024;
    private static final long ANSWER_WITHIN_SECONDS = 10;

    private final Chat chat;
    private final AdminSettings settings;
    private final Jsonb jsonb = JsonbBuilder.create(new JsonbConfig().withNullValues(false));
    private final ExecutorService calls = Executors.newSingleThreadExecutor(runnable -> {
        Thread thread = new Thread(runnable, "parley-admin");
        thread.setDaemon(true);
        return thread;
    });

    AdminApi(Chat chat, AdminSettings settings) {
        this.chat = chat;
        this.settings = settings;
    }

    @Override
    public RequestExecutorProvider getRequestExecutorProvider() {
        return request -> calls;
    }

    void stop() {
        calls.shutdownNow();
    }

    @Override
    public void service(Request request, Response response) throws Exception {
        String address = request.getRemoteAddr();
        long wait = settings.throttle().retryAfterMillis(address);
        if (wait > 0) {
            response.setHeader("Retry-After", Long.toString((wait + 999) / 1000));
            answer(response, 429, Map.of("error", "too many wrong tokens from your address; try again in "
                    + (wait + 999) / 1000 + " s"));
            return;
        }
        String authorization = request.getHeader("Authorization");
        String given = authorization != null && authorization.startsWith("Bearer ") ? authorization.substring(7).strip() : null;
        if (!settings.token().matches(given)) {
            settings.throttle().failed(address);
            log.info("Admin call from {} refused: {}", address, given == null ? "no token" : "wrong token");
            response.setHeader("WWW-Authenticate", "Bearer");
            answer(response, 401, Map.of("error", "an administrator's token is needed: Authorization: Bearer TOKEN"));
            return;
        }
        settings.throttle().succeeded(address);
        String path = request.getRequestURI();
        Method method = request.getMethod();
        try {
            route(path, method, request, response);
        } catch (BadRequest e) {
            answer(response, 400, Map.of("error", e.getMessage()));
        }
    }

    private void route(String path, Method method, Request request, Response response) throws Exception {
        switch (path) {
            case "/admin/users" -> {
                if (allowed(method, Method.GET, response)) {
                    answer(response, 200, Map.of("users", await(chat.users())));
                }
            }
            case "/admin/rooms" -> {
                if (allowed(method, Method.GET, response)) {
                    answer(response, 200, Map.of("rooms", await(chat.roomSummaries())));
                }
            }
            case "/admin/kick" -> {
                if (allowed(method, Method.POST, response)) {
                    JsonObject body = body(request);
                    String nick = text(body, "nick", true);
                    String reason = text(body, "reason", false);
                    boolean removed = await(chat.remove(nick, reason));
                    log.info("An administrator removed {}{}", LogText.quote(nick), removed ? "" : " (nobody holds it)");
                    answer(response, removed ? 200 : 404, removed ? Map.of("removed", nick) : Map.of("error", "no user named " + nick));
                }
            }
            case "/admin/notice" -> {
                if (allowed(method, Method.POST, response)) {
                    JsonObject body = body(request);
                    Outcome outcome = await(chat.notice(text(body, "text", true), text(body, "room", false)));
                    if (outcome.isRefused()) {
                        answer(response, outcome.refusal().code(), Map.of("error", outcome.message(),
                                "reason", outcome.refusal().name()));
                    } else {
                        answer(response, 200, Map.of("sent", true));
                    }
                }
            }
            case "/admin/drain" -> {
                if (allowed(method, Method.POST, response)) {
                    log.info("An administrator drains this server");
                    answer(response, 202, Map.of("draining", true));
                    settings.drain().run();
                }
            }
            default -> answer(response, 404, Map.of("error", "no such call; see the README: /admin/users, /admin/rooms, "
                    + "/admin/kick, /admin/notice, /admin/drain"));
        }
    }

    private boolean allowed(Method method, Method wanted, Response response) throws Exception {
        if (method != wanted) {
            response.setHeader("Allow", wanted.getMethodString());
            answer(response, 405, Map.of("error", "use " + wanted.getMethodString()));
            return false;
        }
        return true;
    }

    /** The request's JSON object, read up to {@link #MAX_BODY_BYTES}. */
    private static JsonObject body(Request request) throws Exception {
        byte[] bytes = request.getInputStream().readNBytes(MAX_BODY_BYTES + 1);
        if (bytes.length > MAX_BODY_BYTES) {
            throw new BadRequest("the body must be at most " + MAX_BODY_BYTES + " bytes");
        }
        try (var reader = Json.createReader(new StringReader(new String(bytes, StandardCharsets.UTF_8)))) {
            JsonValue value = reader.readValue();
            if (value.getValueType() != JsonValue.ValueType.OBJECT) {
                throw new BadRequest("the body must be a JSON object");
            }
            return value.asJsonObject();
        } catch (JsonException | IllegalStateException e) {
            throw new BadRequest("the body must be a JSON object: " + e.getMessage());
        }
    }

    private static String text(JsonObject body, String field, boolean required) throws BadRequest {
        JsonValue value = body.get(field);
        if (value == null || value.getValueType() == JsonValue.ValueType.NULL) {
            if (required) {
                throw new BadRequest("\"" + field + "\" is missing");
            }
            return null;
        }
        if (!(value instanceof JsonString string)) {
            throw new BadRequest("\"" + field + "\" must be a string");
        }
        return string.getString();
    }

    private static <T> T await(CompletionStage<T> stage) throws Exception {
        return stage.toCompletableFuture().get(ANSWER_WITHIN_SECONDS, TimeUnit.SECONDS);
    }

    private void answer(Response response, int status, Object body) throws Exception {
        byte[] json = jsonb.toJson(body).getBytes(StandardCharsets.UTF_8);
        response.setStatus(status);
        response.setContentType("application/json");
        response.setContentLength(json.length);
        response.getOutputStream().write(json);
    }

    /** A request the API cannot read: 400 with why. */
    private static final class BadRequest extends Exception {
        BadRequest(String message) {
            super(message);
        }
    }
}
