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

    /** Longest topic, away message or reason, in Unicode code points. */
    static final int MAX_LINE_LENGTH = 300;
    static final int MAX_KEY_LENGTH = 64;

    /**
     * A one-line text (topic, away message, reason): the text rules, at most {@link #MAX_LINE_LENGTH} characters
     * and no line breaks. Empty is the caller's business.
     */
    static Outcome checkLine(String text, String what) {
        if (Names.length(text) > MAX_LINE_LENGTH) {
            return Outcome.refused(ErrorReason.TEXT_TOO_LONG, what + " must be at most " + MAX_LINE_LENGTH + " characters");
        }
        if (text.indexOf('\n') >= 0 || text.indexOf('\r') >= 0) {
            return Outcome.refused(ErrorReason.INVALID_TEXT, what + " must be one line");
        }
        String problem = Names.problemWithText(text);
        return problem == null ? null : Outcome.refused(ErrorReason.INVALID_TEXT, problem.replace("message text", what));
    }

    /** An optional reason: absent, empty, or a valid line. */
    static Outcome checkReason(String reason) {
        return reason == null || reason.isEmpty() ? null : checkLine(reason, "a reason");
    }

    static Outcome checkKind(String kind) {
        return kind == null || parley.protocol.ClientEvent.ACTION.equals(kind) ? null
                : Outcome.refused(ErrorReason.BAD_FIELD, "\"kind\" must be \"action\" or left out");
    }

    /** A room key: 1 to 64 characters, no spaces or control characters ("" removes the key: not checked here). */
    static Outcome checkKey(String key) {
        if (key.length() > MAX_KEY_LENGTH || key.codePoints().anyMatch(c -> Character.isWhitespace(c)
                || Character.isISOControl(c) || Character.isSurrogate((char) c))) {
            return Outcome.refused(ErrorReason.BAD_FIELD,
                    "a room key is at most " + MAX_KEY_LENGTH + " characters, without spaces or control characters");
        }
        return null;
    }

    static Outcome notOperator(String room) {
        return Outcome.refused(ErrorReason.NOT_OPERATOR, "only operators of " + room + " may do that");
    }

    static Outcome notMember(String nick, String room) {
        return Outcome.refused(ErrorReason.NO_SUCH_USER, nick + " is not in " + room);
    }

    static Outcome notYourself(String what) {
        return Outcome.refused(ErrorReason.BAD_FIELD, "operators cannot " + what + " themselves");
    }

    /** Whether the room lets the user in, or the refusal; an invitation opens invite-only rooms and keys. */
    static Outcome admission(RoomControl control, String room, String nickKey, String address, String key, long now) {
        if (control.banOf(nickKey, address) != null) {
            return Outcome.refused(ErrorReason.BANNED, "you are banned from " + room);
        }
        boolean invited = control.isInvited(nickKey, now);
        if (control.inviteOnly() && !invited) {
            return Outcome.refused(ErrorReason.INVITE_ONLY, room + " is invite-only; ask an operator for an invitation");
        }
        if (control.key() != null && !invited && (key == null || !java.security.MessageDigest.isEqual(
                control.key().getBytes(java.nio.charset.StandardCharsets.UTF_8),
                key.getBytes(java.nio.charset.StandardCharsets.UTF_8)))) {
            return Outcome.refused(ErrorReason.BAD_KEY, room + " needs the right key");
        }
        return null;
    }
}
