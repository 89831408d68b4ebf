package parley.server.transport;

import org.glassfish.grizzly.http.server.HttpHandler;
import org.glassfish.grizzly.http.server.Request;
import org.glassfish.grizzly.http.server.Response;
import parley.server.metrics.Metrics;

import java.nio.charset.StandardCharsets;

/** {@code GET /metrics} on the chat's port: everything counted, in Prometheus' text format. */
final class MetricsPage extends HttpHandler {
    private final Metrics metrics;

    MetricsPage(Metrics metrics) {
        this.metrics = metrics;
    }

    @Override
    public void service(Request request, Response response) throws Exception {
        byte[] body = metrics.scrape().getBytes(StandardCharsets.UTF_8);
        response.setStatus(200);
        response.setContentType("text/plain; version=0.0.4; charset=utf-8");
        response.setContentLength(body.length);
        response.getOutputStream().write(body);
    }
}
