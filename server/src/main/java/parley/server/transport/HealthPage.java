package parley.server.transport;

import org.glassfish.grizzly.http.server.HttpHandler;
import org.glassfish.grizzly.http.server.Request;
import org.glassfish.grizzly.http.server.Response;
import parley.server.chat.Chat;

import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.TreeMap;

/**
 * {@code GET /health} on the chat's port: a JSON object of the chat's facts for load balancers and operators.
 * Status 200 while the server can do all it should, 503 when a cluster node cannot reach the others or the server
 * drains for a restart (load balancers then send nobody new).
 */
final class HealthPage extends HttpHandler {
    private final Chat chat;
    private final PeerRegistry peers;

    HealthPage(Chat chat, PeerRegistry peers) {
        this.chat = chat;
        this.peers = peers;
    }

    @Override
    public void service(Request request, Response response) throws Exception {
        Map<String, Object> facts = new TreeMap<>(chat.health());
        if (peers.isDraining()) {
            facts.put("draining", true);
        }
        boolean healthy = !Boolean.FALSE.equals(facts.get("clusterReachable")) && !peers.isDraining();
        StringBuilder json = new StringBuilder("{");
        facts.forEach((name, value) -> {
            if (json.length() > 1) {
                json.append(',');
            }
            json.append('"').append(name).append("\":");
            json.append(value instanceof String ? "\"" + value + "\"" : String.valueOf(value));
        });
        byte[] body = json.append('}').toString().getBytes(StandardCharsets.UTF_8);
        response.setStatus(healthy ? 200 : 503);
        response.setContentType("application/json");
        response.setContentLength(body.length);
        response.getOutputStream().write(body);
    }
}
