package parley.server.chat;

import parley.protocol.ErrorReason;

/** The request checks every chat shares: names, text, message ids, and the refusals they lead to. */
final class ChatRules {
    private ChatRules() {
    }

    static Outcome checkRoomName(String normalizedName) {
        String problem = Names.problemWith(normalizedName, Names.MAX_ROOM_LENGTH, "a room name");
        return problem == null ? null : Outcome.refused(ErrorReason.INVALID_ROOM, problem);
    }

    static Outcome checkNick(String normalizedNick) {
        String problem = Names.problemWith(normalizedNick, Names.MAX_NICK_LENGTH, "a nickname");
        if (problem != null) {
            return Outcome.refused(ErrorReason.INVALID_NICK, problem);
        }
        if (Names.isReservedNick(normalizedNick)) {
            return Outcome.refused(ErrorReason.NICK_RESERVED,
                    "nicknames starting with '" + Names.GUEST_PREFIX + "' are given out by the server");
        }
        return null;
    }

    static Outcome checkText(String text, ChatLimits limits) {
        if (Names.length(text) > limits.maxTextLength()) {
            return Outcome.refused(ErrorReason.TEXT_TOO_LONG,
                    "message text must be at most " + limits.maxTextLength() + " characters");
        }
        String problem = Names.problemWithText(text);
        return problem == null ? null : Outcome.refused(ErrorReason.INVALID_TEXT, problem);
    }

    /** The number in a room message id, or -1 when it is not one. */
    static long parseMessageNumber(String id) {
        if (id.isEmpty() || id.length() > 18 || !id.chars().allMatch(c -> c >= '0' && c <= '9')) {
            return -1;
        }
        return Long.parseLong(id);
    }

    static Outcome badSince() {
        return Outcome.refused(ErrorReason.BAD_FIELD, "\"since\" must be the id of a room message");
    }

    static Outcome tooManyRooms(ChatLimits limits) {
        return Outcome.refused(ErrorReason.TOO_MANY_ROOMS,
                "you are in " + limits.maxRoomsPerUser() + " rooms, the most allowed; leave one first");
    }

    static Outcome nickTaken(String nick) {
        return Outcome.refused(ErrorReason.NICK_TAKEN, "the nickname " + nick + " is taken");
    }

    static Outcome noSuchUser(String nick) {
        return Outcome.refused(ErrorReason.NO_SUCH_USER, "no user named " + nick);
    }

    static Outcome noSuchRoom(String name) {
        return Outcome.refused(ErrorReason.NO_SUCH_ROOM, "no room named " + name);
    }

    static Outcome notInRoom(String name) {
        return Outcome.refused(ErrorReason.NOT_IN_ROOM, "you are not in " + name);
    }
}
