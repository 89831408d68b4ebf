package parley.protocol;

import jakarta.json.Json;
import jakarta.json.JsonValue;
import jakarta.json.bind.Jsonb;
import jakarta.json.bind.JsonbBuilder;
import jakarta.json.bind.JsonbException;
import jakarta.json.bind.annotation.JsonbProperty;
import jakarta.json.bind.annotation.JsonbSubtype;
import jakarta.json.bind.annotation.JsonbTypeInfo;
import jakarta.json.stream.JsonParser;
import jakarta.json.stream.JsonParserFactory;
import jakarta.json.stream.JsonParsingException;

import java.io.StringReader;
import java.lang.reflect.Constructor;
import java.lang.reflect.RecordComponent;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Turns events into JSON text and back. Client frames are read strictly, since they come from anyone: one JSON
 * object without duplicate keys, a known {@code type}, every required field present, every field of its JSON
 * type (no number-to-string coercion); unknown fields are ignored. Instances are safe to share between threads.
 */
public final class EventCodec {
    private static final String TYPE_KEY = "type";
    private static final String REF_KEY = "ref";

    private final Jsonb jsonb = JsonbBuilder.create();
    private final QuickEvents quickEvents = new QuickEvents();
    // One factory for all frames: Json.createParser looks the JSON provider up through ServiceLoader on every call.
    private final JsonParserFactory parsers = Json.createParserFactory(Map.of());
    private final Map<String, EventShape> clientShapesByAlias = shapesByAlias(ClientEvent.class);
    private static final Map<Class<?>, String> CLIENT_ALIASES = aliases(ClientEvent.class);

    /** Encodes a server event as one JSON object. */
    public String encode(ServerEvent event) {
        String quick = quickEvents.encode(event);
        return quick != null ? quick : jsonb.toJson(event);
    }

    /** Encodes a client event as one JSON object. */
    public String encode(ClientEvent event) {
        return jsonb.toJson(event);
    }

    /** Decodes one frame sent by a client. */
    public ClientEvent decodeClientEvent(String text) throws ProtocolException {
        Map<String, JsonValue.ValueType> fieldTypes = new HashMap<>();
        Map<String, String> strings = readTopLevelFields(text, fieldTypes);
        String ref = strings.get(REF_KEY);
        String type = strings.get(TYPE_KEY);
        if (type == null) {
            throw new ProtocolException(ErrorReason.UNKNOWN_TYPE, "\"type\" must be a string naming the event", ref);
        }
        EventShape shape = clientShapesByAlias.get(type);
        if (shape == null) {
            throw new ProtocolException(ErrorReason.UNKNOWN_TYPE,
                    "unknown type; expected one of " + clientShapesByAlias.keySet(), ref);
        }
        try {
            return shape.build(strings, fieldTypes);
        } catch (ProtocolException e) {
            throw new ProtocolException(e.reason(), e.getMessage(), ref);
        }
    }

    /** The {@code type} of a client event as it is written on the wire. */
    public static String typeOf(ClientEvent event) {
        return CLIENT_ALIASES.get(event.getClass());
    }

    private static Map<Class<?>, String> aliases(Class<?> eventType) {
        Map<Class<?>, String> byType = new HashMap<>();
        for (JsonbSubtype subtype : eventType.getAnnotation(JsonbTypeInfo.class).value()) {
            byType.put(subtype.type(), subtype.alias());
        }
        return Map.copyOf(byType);
    }

    /**
     * The {@code ref} of a client frame, read without building the rest, for a refusal that reads no further (a
     * request over the rate): null when the frame has none, or is not a JSON object as far as it was read.
     */
    public String refOf(String text) {
        try (JsonParser parser = parsers.createParser(new StringReader(text))) {
            if (!parser.hasNext() || parser.next() != JsonParser.Event.START_OBJECT) {
                return null;
            }
            for (JsonParser.Event event = parser.next(); event == JsonParser.Event.KEY_NAME; event = parser.next()) {
                String key = parser.getString();
                JsonParser.Event value = parser.next();
                if (REF_KEY.equals(key)) {
                    return value == JsonParser.Event.VALUE_STRING ? parser.getString() : null;
                }
                if (value == JsonParser.Event.START_OBJECT || value == JsonParser.Event.START_ARRAY) {
                    skipNested(parser, value == JsonParser.Event.START_OBJECT);
                }
            }
            return null;
        } catch (ProtocolException | RuntimeException e) {
            return null;
        }
    }

    /** Decodes one frame sent by a server. */
    public ServerEvent decodeServerEvent(String text) throws ProtocolException {
        try {
            return jsonb.fromJson(text, ServerEvent.class);
        } catch (JsonbException | ClassCastException e) {
            throw new ProtocolException(ErrorReason.BAD_FIELD, "not a server event: " + e.getMessage());
        }
    }

    /**
     * Reads one JSON object, keeping its top-level string fields and noting the JSON type of every other field.
     * Nested values are skipped, not built: client events have only top-level string and boolean fields.
     */
    private Map<String, String> readTopLevelFields(String text, Map<String, JsonValue.ValueType> fieldTypes)
            throws ProtocolException {
        Map<String, String> strings = new HashMap<>();
        try (JsonParser parser = parsers.createParser(new StringReader(text))) {
            if (!parser.hasNext() || parser.next() != JsonParser.Event.START_OBJECT) {
                throw new ProtocolException(ErrorReason.BAD_JSON, "an event must be a JSON object");
            }
            for (JsonParser.Event event = parser.next(); event != JsonParser.Event.END_OBJECT; event = parser.next()) {
                String key = parser.getString();
                if (fieldTypes.containsKey(key)) {
                    throw new ProtocolException(ErrorReason.BAD_JSON, "duplicate key \"" + key + "\"");
                }
                switch (parser.next()) {
                    case VALUE_STRING -> {
                        strings.put(key, parser.getString());
                        fieldTypes.put(key, JsonValue.ValueType.STRING);
                    }
                    case START_OBJECT -> {
                        skipNested(parser, true);
                        fieldTypes.put(key, JsonValue.ValueType.OBJECT);
                    }
                    case START_ARRAY -> {
                        skipNested(parser, false);
                        fieldTypes.put(key, JsonValue.ValueType.ARRAY);
                    }
                    case VALUE_NULL -> fieldTypes.put(key, JsonValue.ValueType.NULL);
                    // Numbers are never converted: a 10,000-digit number costs nothing here.
                    case VALUE_NUMBER -> fieldTypes.put(key, JsonValue.ValueType.NUMBER);
                    case VALUE_TRUE -> fieldTypes.put(key, JsonValue.ValueType.TRUE);
                    default -> fieldTypes.put(key, JsonValue.ValueType.FALSE);
                }
            }
            if (parser.hasNext()) {
                throw new ProtocolException(ErrorReason.BAD_JSON, "one JSON object per frame, nothing after it");
            }
            return strings;
        } catch (JsonParsingException e) {
            throw new ProtocolException(ErrorReason.BAD_JSON, "malformed JSON: " + e.getMessage());
        } catch (RuntimeException e) {
            // Parsson reports premature ends as JsonException or NoSuchElementException and excessive
            // nesting as a bare RuntimeException: all of them mean the frame is not one well-formed object.
            throw new ProtocolException(ErrorReason.BAD_JSON, "malformed JSON: " + e.getMessage());
        }
    }

    private static final Set<String> NO_KEYS = Set.of();

    /**
     * Skips the rest of an object or array whose start was just read, refusing a duplicate key in any object
     * inside it as at the top. Parsson's own skipArray/skipObject never return on a truncated frame, so the
     * nesting is counted here; next() throws at the end of input.
     */
    private static void skipNested(JsonParser parser, boolean isObject) throws ProtocolException {
        // The keys seen in each enclosing object, innermost on top; arrays have none.
        Deque<Set<String>> keysByLevel = new ArrayDeque<>();
        keysByLevel.push(isObject ? new HashSet<>() : NO_KEYS);
        while (!keysByLevel.isEmpty()) {
            JsonParser.Event event = parser.next();
            if (event == JsonParser.Event.KEY_NAME) {
                String key = parser.getString();
                if (!keysByLevel.peek().add(key)) {
                    throw new ProtocolException(ErrorReason.BAD_JSON, "duplicate key \"" + key + "\" in a nested object");
                }
                continue;
            }
            switch (event) {
                case START_OBJECT -> keysByLevel.push(new HashSet<>());
                case START_ARRAY -> keysByLevel.push(NO_KEYS);
                case END_OBJECT, END_ARRAY -> keysByLevel.pop();
                default -> { }
            }
        }
    }

    private static Map<String, EventShape> shapesByAlias(Class<?> eventType) {
        Map<String, EventShape> byAlias = new TreeMap<>();
        for (JsonbSubtype subtype : eventType.getAnnotation(JsonbTypeInfo.class).value()) {
            byAlias.put(subtype.alias(), EventShape.of(subtype.type()));
        }
        return Collections.unmodifiableMap(byAlias);
    }

    /** The fields of one client event record, in constructor order, and how to build it from them. */
    private record EventShape(Constructor<?> constructor, List<Field> fields) {
        static EventShape of(Class<?> recordType) {
            List<Field> fields = new ArrayList<>();
            Class<?>[] parameterTypes = new Class<?>[recordType.getRecordComponents().length];
            int index = 0;
            for (RecordComponent component : recordType.getRecordComponents()) {
                if (component.getType() != String.class && component.getType() != Boolean.class) {
                    throw new IllegalStateException("client event fields are strings or Booleans: " + component);
                }
                parameterTypes[index++] = component.getType();
                JsonbProperty renamed = component.getAnnotation(JsonbProperty.class);
                String name = renamed == null ? component.getName() : renamed.value();
                fields.add(new Field(name, component.getType() == Boolean.class, !component.isAnnotationPresent(Absent.class)));
            }
            try {
                return new EventShape(recordType.getDeclaredConstructor(parameterTypes), List.copyOf(fields));
            } catch (NoSuchMethodException e) {
                throw new IllegalStateException("a record always has its canonical constructor", e);
            }
        }

        ClientEvent build(Map<String, String> strings, Map<String, JsonValue.ValueType> fieldTypes)
                throws ProtocolException {
            Object[] arguments = new Object[fields.size()];
            for (int i = 0; i < arguments.length; i++) {
                arguments[i] = fields.get(i).valueIn(strings, fieldTypes);
            }
            try {
                return (ClientEvent) constructor.newInstance(arguments);
            } catch (ReflectiveOperationException e) {
                throw new IllegalStateException("client event records are public and plain", e);
            }
        }
    }

    /** One string or boolean field of a client event and whether it must be present. */
    private record Field(String name, boolean isBoolean, boolean required) {
        Object valueIn(Map<String, String> strings, Map<String, JsonValue.ValueType> fieldTypes)
                throws ProtocolException {
            JsonValue.ValueType type = fieldTypes.getOrDefault(name, JsonValue.ValueType.NULL);
            if (type == JsonValue.ValueType.NULL) {
                if (required) {
                    throw new ProtocolException(ErrorReason.BAD_FIELD, "missing field \"" + name + "\"");
                }
                return null;
            }
            if (isBoolean) {
                if (type != JsonValue.ValueType.TRUE && type != JsonValue.ValueType.FALSE) {
                    throw new ProtocolException(ErrorReason.BAD_FIELD, "field \"" + name + "\" must be true or false");
                }
                return type == JsonValue.ValueType.TRUE;
            }
            if (type != JsonValue.ValueType.STRING) {
                throw new ProtocolException(ErrorReason.BAD_FIELD, "field \"" + name + "\" must be a string");
            }
            return strings.get(name);
        }
    }
}
