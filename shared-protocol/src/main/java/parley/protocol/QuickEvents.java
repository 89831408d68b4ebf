package parley.protocol;

import jakarta.json.Json;
import jakarta.json.stream.JsonGenerator;
import jakarta.json.stream.JsonGeneratorFactory;

import java.io.StringWriter;
import java.util.Map;

/**
 * The few server events sent on every connection or request ({@code welcome}, {@code ok}, {@code presence}),
 * written with a streaming generator instead of JSON-B's reflective binding: the same JSON (the golden tests
 * check it byte for byte), for a fraction of the work at a handshake or a request.
 */
final class QuickEvents {
    private final JsonGeneratorFactory generators = Json.createGeneratorFactory(Map.of());

    /** The event as JSON, or null when it is not one of the quick ones. */
    String encode(ServerEvent event) {
        if (event instanceof ServerEvent.Ok ok) {
            return ok(ok);
        } else if (event instanceof ServerEvent.Presence presence) {
            return presence(presence);
        } else if (event instanceof ServerEvent.Welcome welcome) {
            return welcome(welcome);
        }
        return null;
    }

    private String ok(ServerEvent.Ok ok) {
        var text = new StringWriter(48);
        try (JsonGenerator json = generators.createGenerator(text)) {
            json.writeStartObject().write("type", "ok");
            optional(json, "away", ok.away());
            optional(json, "id", ok.id());
            optional(json, "ref", ok.ref());
            json.writeEnd();
        }
        return text.toString();
    }

    private String presence(ServerEvent.Presence presence) {
        var text = new StringWriter(80);
        try (JsonGenerator json = generators.createGenerator(text)) {
            json.writeStartObject().write("type", "presence");
            optional(json, "event", presence.event());
            optional(json, "nick", presence.nick());
            optional(json, "room", presence.room());
            json.writeEnd();
        }
        return text.toString();
    }

    private String welcome(ServerEvent.Welcome welcome) {
        var text = new StringWriter(256);
        try (JsonGenerator json = generators.createGenerator(text)) {
            json.writeStartObject().write("type", "welcome");
            if (welcome.features() != null) {
                json.writeStartArray("features");
                welcome.features().forEach(json::write);
                json.writeEnd();
            }
            ServerEvent.Limits limits = welcome.limits();
            if (limits != null) {
                json.writeStartObject("limits").write("burst", limits.burst()).write("maxFrameBytes", limits.maxFrameBytes())
                        .write("maxRooms", limits.maxRooms()).write("maxText", limits.maxText())
                        .write("maxTopic", limits.maxTopic()).write("ratePerSecond", limits.ratePerSecond()).writeEnd();
            }
            optional(json, "nick", welcome.nick());
            optional(json, "resume", welcome.resume());
            json.write("resumed", welcome.resumed());
            if (welcome.rooms() != null) {
                json.writeStartArray("rooms");
                welcome.rooms().forEach(json::write);
                json.writeEnd();
            }
            json.write("version", welcome.version()).writeEnd();
        }
        return text.toString();
    }

    private static void optional(JsonGenerator json, String name, String value) {
        if (value != null) {
            json.write(name, value);
        }
    }
}
