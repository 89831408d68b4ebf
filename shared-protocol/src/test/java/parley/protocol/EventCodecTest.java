package parley.protocol;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.List;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class EventCodecTest {
    private final EventCodec codec = new EventCodec();

    static Stream<Arguments> goldenClientEvents() {
        return Stream.of(
                Arguments.of("{\"type\":\"nick\",\"nick\":\"alice\",\"ref\":\"1\"}", new ClientEvent.Nick("alice", "1")),
                Arguments.of("{\"type\":\"join\",\"room\":\"lobby\",\"ref\":\"2\"}", new ClientEvent.Join("lobby", "2")),
                Arguments.of("{\"type\":\"join\",\"room\":\"lobby\",\"since\":\"41\"}", new ClientEvent.Join("lobby", "41", null)),
                Arguments.of("{\"type\":\"leave\",\"room\":\"lobby\",\"ref\":\"3\"}", new ClientEvent.Leave("lobby", "3")),
                Arguments.of("{\"type\":\"say\",\"room\":\"lobby\",\"text\":\"hi\",\"ref\":\"4\"}",
                        new ClientEvent.Say("lobby", "hi", "4")),
                Arguments.of("{\"type\":\"whisper\",\"to\":\"bob\",\"text\":\"psst\",\"ref\":\"5\"}",
                        new ClientEvent.Whisper("bob", "psst", "5")),
                Arguments.of("{\"type\":\"rooms\",\"ref\":\"6\"}", new ClientEvent.Rooms("6")),
                Arguments.of("{\"type\":\"rooms\"}", new ClientEvent.Rooms(null)),
                Arguments.of("{\"type\":\"auth\",\"password\":\"open sesame\"}", new ClientEvent.Auth("open sesame", null)),
                Arguments.of("{\"type\":\"join\",\"room\":\"vault\",\"key\":\"s3cret\"}",
                        new ClientEvent.Join("vault", null, "s3cret", null)),
                Arguments.of("{\"type\":\"say\",\"room\":\"lobby\",\"text\":\"waves\",\"kind\":\"action\"}",
                        new ClientEvent.Say("lobby", "waves", "action", null)),
                Arguments.of("{\"type\":\"whisper\",\"to\":\"bob\",\"text\":\"nods\",\"kind\":\"action\"}",
                        new ClientEvent.Whisper("bob", "nods", "action", null)),
                Arguments.of("{\"type\":\"topic\",\"room\":\"lobby\",\"topic\":\"Release on Friday\",\"ref\":\"7\"}",
                        new ClientEvent.Topic("lobby", "Release on Friday", "7")),
                Arguments.of("{\"type\":\"away\",\"message\":\"lunch\"}", new ClientEvent.Away("lunch", null)),
                Arguments.of("{\"type\":\"away\"}", new ClientEvent.Away(null, null)),
                Arguments.of("{\"type\":\"whois\",\"nick\":\"bob\"}", new ClientEvent.Whois("bob", null)),
                Arguments.of("{\"type\":\"role\",\"room\":\"lobby\",\"nick\":\"bob\",\"role\":\"voice\"}",
                        new ClientEvent.Role("lobby", "bob", "voice", null)),
                Arguments.of("{\"type\":\"kick\",\"room\":\"lobby\",\"nick\":\"bob\",\"reason\":\"spam\"}",
                        new ClientEvent.Kick("lobby", "bob", "spam", null)),
                Arguments.of("{\"type\":\"ban\",\"room\":\"lobby\",\"nick\":\"bob\"}",
                        new ClientEvent.Ban("lobby", "bob", null, null)),
                Arguments.of("{\"type\":\"unban\",\"room\":\"lobby\",\"nick\":\"bob\"}",
                        new ClientEvent.Unban("lobby", "bob", null)),
                Arguments.of("{\"type\":\"bans\",\"room\":\"lobby\"}", new ClientEvent.Bans("lobby", null)),
                Arguments.of("{\"type\":\"mode\",\"room\":\"lobby\",\"moderated\":true,\"inviteOnly\":false,\"key\":\"\"}",
                        new ClientEvent.Mode("lobby", null, true, false, "", null)),
                Arguments.of("{\"type\":\"invite\",\"room\":\"lobby\",\"nick\":\"bob\"}",
                        new ClientEvent.Invite("lobby", "bob", null)));
    }

    @ParameterizedTest
    @MethodSource("goldenClientEvents")
    void decodesEveryClientEventFromItsDocumentedJson(String json, ClientEvent expected) throws Exception {
        assertThat(codec.decodeClientEvent(json)).isEqualTo(expected);
    }

    @ParameterizedTest
    @MethodSource("goldenClientEvents")
    void clientEventsRoundTrip(String json, ClientEvent event) throws Exception {
        assertThat(codec.decodeClientEvent(codec.encode(event))).isEqualTo(event);
    }

    static Stream<Arguments> goldenServerEvents() {
        var message = new ServerEvent.Message("7", "lobby", "alice", "hi", 1732400000000L);
        var limits = new ServerEvent.Limits(2000, 300, 50, 20.0, 40, 65536);
        String features = "\"features\":[\"topic\",\"action\",\"away\",\"whois\",\"moderation\"],"
                + "\"limits\":{\"burst\":40,\"maxFrameBytes\":65536,\"maxRooms\":50,\"maxText\":2000,\"maxTopic\":300,"
                + "\"ratePerSecond\":20.0},";
        var modes = new ServerEvent.Modes(true, false, true, true);
        String modesJson = "{\"inviteOnly\":true,\"key\":true,\"moderated\":false,\"topicLocked\":true}";
        return Stream.of(
                Arguments.of(ServerEvent.Welcome.fresh("guest-1", "tok1", limits),
                        "{\"type\":\"welcome\"," + features + "\"nick\":\"guest-1\",\"resume\":\"tok1\",\"resumed\":false,\"version\":1}"),
                Arguments.of(ServerEvent.Welcome.resumed("alice", "tok2", List.of("lobby"), limits),
                        "{\"type\":\"welcome\"," + features + "\"nick\":\"alice\",\"resume\":\"tok2\",\"resumed\":true,\"rooms\":[\"lobby\"],\"version\":1}"),
                Arguments.of(new ServerEvent.Ok("8", "w3", "lunch"), "{\"type\":\"ok\",\"away\":\"lunch\",\"id\":\"w3\",\"ref\":\"8\"}"),
                Arguments.of(new ServerEvent.Joined("lobby", List.of("alice", "bob"), List.of(), 0,
                                new ServerEvent.TopicInfo("Friday", "alice", 5L), new java.util.TreeMap<>(java.util.Map.of("bob", "lunch")),
                                new java.util.TreeMap<>(java.util.Map.of("alice", "op")), modes),
                        "{\"type\":\"joined\",\"away\":{\"bob\":\"lunch\"},\"history\":[],\"members\":[\"alice\",\"bob\"],\"missed\":0,"
                                + "\"modes\":" + modesJson + ",\"roles\":{\"alice\":\"op\"},\"room\":\"lobby\","
                                + "\"topic\":{\"by\":\"alice\",\"text\":\"Friday\",\"ts\":5}}"),
                Arguments.of(new ServerEvent.Message("8", "lobby", "alice", "waves", 5L, "action"),
                        "{\"type\":\"message\",\"from\":\"alice\",\"id\":\"8\",\"kind\":\"action\",\"room\":\"lobby\",\"text\":\"waves\",\"ts\":5}"),
                Arguments.of(new ServerEvent.TopicChanged("lobby", "Friday", "alice", 5L),
                        "{\"type\":\"topic\",\"by\":\"alice\",\"room\":\"lobby\",\"topic\":\"Friday\",\"ts\":5}"),
                Arguments.of(new ServerEvent.AwayChanged("bob", "lunch"), "{\"type\":\"away\",\"message\":\"lunch\",\"nick\":\"bob\"}"),
                Arguments.of(new ServerEvent.AwayChanged("bob", null), "{\"type\":\"away\",\"nick\":\"bob\"}"),
                Arguments.of(new ServerEvent.WhoisReply("bob", List.of("lobby"), "lunch", 12, 5L, true),
                        "{\"type\":\"whois\",\"away\":\"lunch\",\"connectedAt\":5,\"idleSeconds\":12,\"nick\":\"bob\",\"rooms\":[\"lobby\"],\"secure\":true}"),
                Arguments.of(new ServerEvent.RoleChanged("lobby", "bob", "voice", "alice"),
                        "{\"type\":\"role\",\"by\":\"alice\",\"nick\":\"bob\",\"role\":\"voice\",\"room\":\"lobby\"}"),
                Arguments.of(new ServerEvent.RoleChanged("lobby", "bob", "op", null),
                        "{\"type\":\"role\",\"nick\":\"bob\",\"role\":\"op\",\"room\":\"lobby\"}"),
                Arguments.of(new ServerEvent.Kicked("lobby", "bob", "alice", "spam"),
                        "{\"type\":\"kicked\",\"by\":\"alice\",\"nick\":\"bob\",\"reason\":\"spam\",\"room\":\"lobby\"}"),
                Arguments.of(new ServerEvent.Banned("lobby", "bob", "alice", null),
                        "{\"type\":\"banned\",\"by\":\"alice\",\"nick\":\"bob\",\"room\":\"lobby\"}"),
                Arguments.of(new ServerEvent.Unbanned("lobby", "bob", "alice"),
                        "{\"type\":\"unbanned\",\"by\":\"alice\",\"nick\":\"bob\",\"room\":\"lobby\"}"),
                Arguments.of(new ServerEvent.BanList("lobby", List.of(new ServerEvent.BanInfo("bob", "alice", 5L, "spam"))),
                        "{\"type\":\"ban_list\",\"bans\":[{\"by\":\"alice\",\"nick\":\"bob\",\"reason\":\"spam\",\"ts\":5}],\"room\":\"lobby\"}"),
                Arguments.of(new ServerEvent.ModeChanged("lobby", modes, "alice"),
                        "{\"type\":\"mode\",\"by\":\"alice\",\"modes\":" + modesJson + ",\"room\":\"lobby\"}"),
                Arguments.of(new ServerEvent.Invited("lobby", "alice"), "{\"type\":\"invited\",\"by\":\"alice\",\"room\":\"lobby\"}"),
                Arguments.of(new ServerEvent.Notice("Restart at 18:00", 5L, null),
                        "{\"type\":\"notice\",\"text\":\"Restart at 18:00\",\"ts\":5}"),
                Arguments.of(new ServerEvent.Notice("Be nice", 5L, "lobby"),
                        "{\"type\":\"notice\",\"room\":\"lobby\",\"text\":\"Be nice\",\"ts\":5}"),
                Arguments.of(ServerEvent.Error.retryLater(null, ErrorReason.RATE_LIMITED, "slow down", 50),
                        "{\"type\":\"error\",\"code\":429,\"message\":\"slow down\",\"reason\":\"RATE_LIMITED\",\"retryAfterMs\":50}"),
                Arguments.of(new ServerEvent.Ok("4", "7"), "{\"type\":\"ok\",\"id\":\"7\",\"ref\":\"4\"}"),
                Arguments.of(new ServerEvent.Ok("1", null), "{\"type\":\"ok\",\"ref\":\"1\"}"),
                Arguments.of(ServerEvent.Error.of("5", ErrorReason.NO_SUCH_USER, "no user named bob"),
                        "{\"type\":\"error\",\"code\":404,\"message\":\"no user named bob\",\"reason\":\"NO_SUCH_USER\",\"ref\":\"5\"}"),
                Arguments.of(new ServerEvent.NickChanged("guest-1", "alice"),
                        "{\"type\":\"nick_changed\",\"new\":\"alice\",\"old\":\"guest-1\"}"),
                Arguments.of(new ServerEvent.Joined("lobby", List.of("alice", "bob"), List.of(message), 3),
                        "{\"type\":\"joined\",\"history\":[{\"type\":\"message\",\"from\":\"alice\",\"id\":\"7\",\"room\":\"lobby\","
                                + "\"text\":\"hi\",\"ts\":1732400000000}],\"members\":[\"alice\",\"bob\"],\"missed\":3,\"modes\":"
                                + "{\"inviteOnly\":false,\"key\":false,\"moderated\":false,\"topicLocked\":false},\"room\":\"lobby\"}"),
                Arguments.of(new ServerEvent.Left("lobby"), "{\"type\":\"left\",\"room\":\"lobby\"}"),
                Arguments.of(new ServerEvent.Presence("lobby", "bob", ServerEvent.Presence.JOIN),
                        "{\"type\":\"presence\",\"event\":\"join\",\"nick\":\"bob\",\"room\":\"lobby\"}"),
                Arguments.of(message,
                        "{\"type\":\"message\",\"from\":\"alice\",\"id\":\"7\",\"room\":\"lobby\",\"text\":\"hi\",\"ts\":1732400000000}"),
                Arguments.of(new ServerEvent.WhisperMessage("w1", "alice", "bob", "psst", 1732400000000L),
                        "{\"type\":\"whisper\",\"from\":\"alice\",\"id\":\"w1\",\"text\":\"psst\",\"to\":\"bob\",\"ts\":1732400000000}"),
                Arguments.of(new ServerEvent.RoomList(List.of(new ServerEvent.RoomInfo("lobby", 2))),
                        "{\"type\":\"room_list\",\"rooms\":[{\"members\":2,\"name\":\"lobby\"}]}"),
                Arguments.of(new ServerEvent.AuthRequired(), "{\"type\":\"auth_required\"}"),
                Arguments.of(new ServerEvent.Missed("lobby", 3), "{\"type\":\"missed\",\"count\":3,\"room\":\"lobby\"}"));
    }

    @ParameterizedTest
    @MethodSource("goldenServerEvents")
    void encodesEveryServerEventAsDocumented(ServerEvent event, String json) {
        assertThat(codec.encode(event)).isEqualTo(json);
    }

    @ParameterizedTest
    @MethodSource("goldenServerEvents")
    void serverEventsRoundTrip(ServerEvent event, String json) throws Exception {
        assertThat(codec.decodeServerEvent(json)).isEqualTo(event);
    }

    @Test
    void everyClientEventTypeHasAGoldenCase() {
        List<Class<?>> covered = goldenClientEvents().<Class<?>>map(arguments -> arguments.get()[1].getClass()).distinct().toList();

        assertThat(covered).containsExactlyInAnyOrder(ClientEvent.class.getPermittedSubclasses());
    }

    @Test
    void everyServerEventTypeHasAGoldenCase() {
        List<Class<?>> covered = goldenServerEvents().<Class<?>>map(arguments -> arguments.get()[0].getClass()).distinct().toList();

        assertThat(covered).containsExactlyInAnyOrder(ServerEvent.class.getPermittedSubclasses());
    }

    @Test
    void ignoresUnknownFieldsAndClientSuppliedServerFields() throws Exception {
        var event = codec.decodeClientEvent(
                "{\"type\":\"say\",\"room\":\"lobby\",\"text\":\"hi\",\"from\":\"mallory\",\"id\":\"99\",\"ts\":1,\"x\":[1]}");

        assertThat(event).isEqualTo(new ClientEvent.Say("lobby", "hi", null));
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "{", "{bad", "not json", "{\"type\":\"rooms\"} trailing"})
    void malformedJsonIsBadJson(String frame) {
        assertRefused(frame, ErrorReason.BAD_JSON);
    }

    @ParameterizedTest
    @ValueSource(strings = {"null", "[]", "[1,2]", "5", "\"join\"", "true"})
    void aTopLevelValueOtherThanAnObjectIsBadJson(String frame) {
        assertRefused(frame, ErrorReason.BAD_JSON);
    }

    @Test
    void duplicateKeysAreBadJson() {
        assertRefused("{\"type\":\"join\",\"room\":\"a\",\"room\":\"b\"}", ErrorReason.BAD_JSON);
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "{\"type\":\"rooms\",\"extra\":{\"a\":1,\"a\":2}}",
            "{\"type\":\"rooms\",\"extra\":{\"deep\":{\"deeper\":{\"k\":1,\"k\":1}}}}",
            "{\"type\":\"rooms\",\"extra\":[{\"k\":1},{\"k\":1,\"k\":2}]}"})
    void duplicateKeysInsideIgnoredNestedObjectsAreBadJsonToo(String frame) {
        assertRefused(frame, ErrorReason.BAD_JSON);
    }

    @Test
    void theSameKeyInSiblingObjectsIsFine() throws ProtocolException {
        assertThat(codec.decodeClientEvent("{\"type\":\"rooms\",\"extra\":[{\"k\":1},{\"k\":2,\"j\":{\"k\":3}}]}"))
                .isInstanceOf(ClientEvent.Rooms.class);
    }

    @ParameterizedTest
    @ValueSource(strings = {"{}", "{\"room\":\"lobby\"}", "{\"type\":\"dance\"}", "{\"type\":5}", "{\"type\":null}",
            "{\"type\":\"JOIN\",\"room\":\"lobby\"}", "{\"type\":\"welcome\",\"nick\":\"x\"}"})
    void aMissingOrUnknownTypeIsRefused(String frame) {
        assertRefused(frame, ErrorReason.UNKNOWN_TYPE);
    }

    @ParameterizedTest
    @ValueSource(strings = {"{\"type\":\"join\"}", "{\"type\":\"join\",\"room\":null}", "{\"type\":\"join\",\"room\":5}",
            "{\"type\":\"join\",\"room\":true}", "{\"type\":\"join\",\"room\":[\"lobby\"]}",
            "{\"type\":\"say\",\"room\":\"lobby\"}", "{\"type\":\"whisper\",\"text\":\"hi\"}",
            "{\"type\":\"nick\",\"nick\":{\"a\":1}}", "{\"type\":\"rooms\",\"ref\":7}",
            "{\"type\":\"mode\",\"room\":\"lobby\",\"moderated\":\"true\"}", "{\"type\":\"mode\",\"room\":\"lobby\",\"moderated\":1}",
            "{\"type\":\"mode\",\"room\":\"lobby\",\"key\":true}", "{\"type\":\"topic\",\"room\":\"lobby\"}"})
    void missingOrIllTypedFieldsAreBadFields(String frame) {
        assertRefused(frame, ErrorReason.BAD_FIELD);
    }

    @Test
    void nestingWithinTheParsersDepthIsSkipped() throws Exception {
        String nested = "{\"type\":\"rooms\",\"x\":" + "[{\"a\":".repeat(400) + "1" + "}]".repeat(400) + "}";

        assertThat(codec.decodeClientEvent(nested)).isEqualTo(new ClientEvent.Rooms(null));
    }

    @ParameterizedTest
    @ValueSource(ints = {1_000, 16_000, 200_000})
    void nestingBeyondTheParsersDepthIsBadJsonNotAStackOverflow(int depth) {
        assertRefused("{\"type\":\"rooms\",\"x\":" + "[".repeat(depth) + "]".repeat(depth) + "}", ErrorReason.BAD_JSON);
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 10, 16_000})
    void truncatedNestingIsBadJson(int depth) {
        assertRefused("{\"type\":\"rooms\",\"x\":" + "[".repeat(depth), ErrorReason.BAD_JSON);
    }

    @Test
    void hugeNumbersInIgnoredFieldsCostNothing() throws Exception {
        String frame = "{\"type\":\"rooms\",\"ts\":1e" + "9".repeat(10_000) + ",\"id\":" + "7".repeat(10_000) + "}";

        assertThat(codec.decodeClientEvent(frame)).isEqualTo(new ClientEvent.Rooms(null));
    }

    @Test
    void aRefusedFrameKeepsItsRefWhenItCanBeRead() {
        assertThatThrownBy(() -> codec.decodeClientEvent("{\"type\":\"join\",\"room\":5,\"ref\":\"r9\"}"))
                .isInstanceOfSatisfying(ProtocolException.class, e -> assertThat(e.ref()).isEqualTo("r9"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"{\"type\":\"say\",\"ref\":\"r7\",\"room\":\"x\"}",
            "{\"x\":{\"ref\":\"inner\",\"a\":[1,{\"b\":2}]},\"ref\":\"r7\",\"type\":5}",
            "{\"ref\":\"r7\",\"broken\":"})
    void theRefOfAFrameIsFoundWithoutReadingTheRest(String frame) {
        assertThat(codec.refOf(frame)).isEqualTo("r7");
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "[]", "not json", "{\"ref\":7}", "{\"type\":\"say\"}", "{\"x\":[[[", "\"ref\""})
    void aFrameWithoutAReadableRefHasNone(String frame) {
        assertThat(codec.refOf(frame)).isNull();
    }

    private void assertRefused(String frame, ErrorReason reason) {
        assertThatThrownBy(() -> codec.decodeClientEvent(frame))
                .isInstanceOfSatisfying(ProtocolException.class, e -> assertThat(e.reason()).isEqualTo(reason));
    }
}
