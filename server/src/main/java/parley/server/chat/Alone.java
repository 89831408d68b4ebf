package parley.server.chat;

import parley.protocol.EventCodec;
import parley.protocol.ServerEvent;

import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;

/** The backplane of a server alone: nothing is shared, every answer is known at once. */
final class Alone implements Backplane {
    private static final CompletableFuture<Boolean> YES = CompletableFuture.completedFuture(true);
    private static final CompletableFuture<Boolean> NO = CompletableFuture.completedFuture(false);
    private static final CompletableFuture<Object> NOTHING = CompletableFuture.completedFuture(null);

    private final EventCodec codec;
    private final AtomicLong guestNumbers = new AtomicLong();

    Alone(EventCodec codec) {
        this.codec = codec;
    }

    @Override
    public void start(Here here) {
    }

    @Override
    public void stop() {
    }

    @Override
    public String guestNick() {
        return Names.GUEST_PREFIX + guestNumbers.incrementAndGet();
    }

    @Override
    public String idPrefix() {
        return "";
    }

    @Override
    public void arrived(ChatUser user) {
    }

    @Override
    public void departed(ChatUser user, String nick, String resumeToken) {
    }

    @Override
    public void tokenRetired(String token) {
    }

    @Override
    public CompletionStage<Boolean> claimNick(ChatUser user, String nickKey, String nick) {
        return YES;
    }

    @Override
    public void releaseNick(ChatUser user, String nickKey) {
    }

    @Override
    public void renamed(ChatUser user, String oldNickKey, List<String> roomKeys, EncodedEvent event) {
    }

    @Override
    public CompletionStage<Members> enter(Room room, ChatUser user) {
        return nothing();
    }

    @Override
    public CompletionStage<Void> controlChanged(Room room, RoomControl.Change change, List<EncodedEvent> events,
                                                String evictNickKey) {
        return nothing();
    }

    @Override
    public CompletionStage<String> memberElsewhere(String roomKey, String nickKey) {
        return nothing();
    }

    @Override
    public CompletionStage<String> longestMember(Room room, String longestHere) {
        return CompletableFuture.completedFuture(longestHere);
    }

    @Override
    public CompletionStage<Profile> profileElsewhere(String nickKey) {
        return nothing();
    }

    @Override
    public CompletionStage<List<Profile>> profilesElsewhere() {
        return CompletableFuture.completedFuture(List.of());
    }

    @Override
    public CompletionStage<RoomControl> controlElsewhere(String roomKey) {
        return CompletableFuture.completedFuture(RoomControl.NONE);
    }

    @Override
    public CompletionStage<Boolean> removeElsewhere(String nickKey, String reason) {
        return NO;
    }

    @Override
    public void noticeElsewhere(String roomKey, EncodedEvent frame) {
    }

    @Override
    public void dropped(ChatUser user) {
    }

    @Override
    public void awayChanged(ChatUser user, List<String> roomKeys, EncodedEvent event) {
    }

    @Override
    public void active(ChatUser user) {
    }

    @Override
    public void exited(Room room, ChatUser user, EncodedEvent presence) {
    }

    @Override
    public void joined(Room room, ChatUser user, EncodedEvent presence) {
    }

    @Override
    public void closed(Room room) {
    }

    @Override
    public CompletionStage<Boolean> existsElsewhere(String roomKey) {
        return NO;
    }

    @Override
    public CompletionStage<String> post(Room room, ChatUser user, String text, String kind, long timestamp) {
        synchronized (room) {
            ServerEvent.Message message = room.number(user.nick(), text, kind, timestamp);
            // Encoded once; every member gets the same event. Dropped members' peers discard it: they
            // catch up from the room's buffer with "since" when they resume.
            room.show(message, new EncodedEvent(codec.encode(message)));
            return CompletableFuture.completedFuture(message.id());
        }
    }

    @Override
    public CompletionStage<String> nickElsewhere(String nickKey) {
        return nothing();
    }

    @Override
    public CompletionStage<Void> whisper(String nickKey, EncodedEvent frame) {
        return nothing();
    }

    @Override
    public CompletionStage<Void> tell(String nickKey, EncodedEvent frame) {
        return nothing();
    }

    @Override
    public CompletionStage<Session> findSession(String resumeToken) {
        return nothing();
    }

    @Override
    public CompletionStage<Boolean> takeSession(String resumeToken, Session session, ChatUser user) {
        return NO;
    }

    @Override
    public CompletionStage<List<ServerEvent.RoomInfo>> rooms(Supplier<List<ServerEvent.RoomInfo>> here) {
        return CompletableFuture.completedFuture(here.get());
    }

    @Override
    public Map<String, Object> health() {
        return Map.of("mode", "single");
    }

    @SuppressWarnings("unchecked")
    private static <T> CompletionStage<T> nothing() {
        return (CompletionStage<T>) NOTHING;
    }
}
