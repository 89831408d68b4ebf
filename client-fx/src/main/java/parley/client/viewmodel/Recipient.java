package parley.client.viewmodel;

/** Who the next message goes to: everyone in the current room, or one person as a whisper. */
public record Recipient(String nick) {
    public static final Recipient EVERYONE = new Recipient(null);

    public static Recipient person(String nick) {
        return new Recipient(nick);
    }

    public boolean isEveryone() {
        return nick == null;
    }

    /** The text the dropdown shows for this choice. */
    public String label(String room) {
        return isEveryone() ? "Everyone in " + (room == null ? "the room" : room) : nick;
    }
}
