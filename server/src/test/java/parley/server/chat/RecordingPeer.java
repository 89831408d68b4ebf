package parley.server.chat;

import parley.protocol.EventCodec;
import parley.protocol.ProtocolException;
import parley.protocol.ServerEvent;

import java.util.ArrayList;
import java.util.List;

/** A peer that records what the chat sends it, decoded, and how it was closed. */
public final class RecordingPeer implements Peer {
    private static final EventCodec CODEC = new EventCodec();

    private final String id;
    private final List<String> frames = new ArrayList<>();
    private int closeCode;

    public RecordingPeer(String id) {
        this.id = id;
    }

    @Override
    public String id() {
        return id;
    }

    @Override
    public synchronized void send(EncodedEvent event) {
        frames.add(event.json());
    }

    @Override
    public synchronized void close(int closeCode, String reason) {
        this.closeCode = closeCode;
    }

    public synchronized List<String> frames() {
        return List.copyOf(frames);
    }

    public synchronized List<ServerEvent> received() {
        List<ServerEvent> events = new ArrayList<>();
        for (String frame : frames) {
            try {
                events.add(CODEC.decodeServerEvent(frame));
            } catch (ProtocolException e) {
                throw new AssertionError("the server sent an unreadable frame: " + frame, e);
            }
        }
        return events;
    }

    public <E extends ServerEvent> List<E> received(Class<E> type) {
        return received().stream().filter(type::isInstance).map(type::cast).toList();
    }

    public <E extends ServerEvent> E last(Class<E> type) {
        List<E> events = received(type);
        if (events.isEmpty()) {
            throw new AssertionError("no " + type.getSimpleName() + " in " + frames());
        }
        return events.get(events.size() - 1);
    }

    public synchronized void clear() {
        frames.clear();
    }

    public synchronized int closeCode() {
        return closeCode;
    }
}
