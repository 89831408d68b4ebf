package parley.server.chat;

import parley.protocol.EventCodec;
import parley.protocol.ProtocolException;
import parley.protocol.ServerEvent;

import java.util.ArrayList;
import java.util.List;

/** A peer that records what the chat sends it, decoded, and how it was closed. */
public final class RecordingPeer implements Peer {
    private static final EventCodec CODEC = new EventCodec();
    /** Each peer gets an address of its own unless a test gives one. */
    private static final java.util.concurrent.atomic.AtomicInteger ADDRESSES = new java.util.concurrent.atomic.AtomicInteger();

    private final String id;
    private final String address;
    private final List<String> frames = new ArrayList<>();
    private int closeCode;

    public RecordingPeer(String id) {
        this(id, nextAddress());
    }

    private static String nextAddress() {
        int n = ADDRESSES.incrementAndGet();
        return "10.0." + n / 250 + "." + n % 250;
    }

    /** A peer connected from this address. */
    public RecordingPeer(String id, String address) {
        this.id = id;
        this.address = address;
    }

    @Override
    public String address() {
        return address;
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
