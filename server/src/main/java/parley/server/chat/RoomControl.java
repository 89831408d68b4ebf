package parley.server.chat;

import parley.protocol.ServerEvent;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.UnaryOperator;

/**
 * How a room is run: its topic, modes and key, the roles of its members, its bans and its open invitations. An
 * immutable value, so that a change is a function from one control to the next: a cluster node applies the same
 * function again to the newest control when another node changed it first. It lives as long as the room. Roles
 * and invitations are keyed by nickname key ({@link Names#key}); a ban also keeps the address it covers, which
 * clients never see.
 *
 * @param roles       nickname key to {@code op} or {@code voice}, for members only
 * @param invitations nickname key to the time the invitation runs out
 */
public record RoomControl(ServerEvent.TopicInfo topic, boolean topicLocked, boolean moderated, boolean inviteOnly,
                          String key, Map<String, String> roles, List<Ban> bans, Map<String, Long> invitations) {
    public static final RoomControl NONE = new RoomControl(null, false, false, false, null, Map.of(), List.of(), Map.of());

    public RoomControl {
        roles = Map.copyOf(roles);
        bans = List.copyOf(bans);
        invitations = Map.copyOf(invitations);
    }

    /** One ban: the nickname (and its key), who banned it, when, why, and the address it also covers (or null). */
    public record Ban(String nickKey, String nick, String by, long ts, String reason, String address) {
    }

    public String roleOf(String nickKey) {
        return roles.get(nickKey);
    }

    public boolean isOperator(String nickKey) {
        return ServerEvent.OPERATOR.equals(roles.get(nickKey));
    }

    public boolean hasOperator() {
        return roles.containsValue(ServerEvent.OPERATOR);
    }

    /** Whether the member may speak in a moderated room. */
    public boolean mayAlwaysSpeak(String nickKey) {
        return roles.containsKey(nickKey);
    }

    public ServerEvent.Modes modes() {
        return new ServerEvent.Modes(topicLocked, moderated, inviteOnly, key != null);
    }

    /** The ban that covers this nickname or address, or null. */
    public Ban banOf(String nickKey, String address) {
        for (Ban ban : bans) {
            if (ban.nickKey().equals(nickKey) || (address != null && address.equals(ban.address()))) {
                return ban;
            }
        }
        return null;
    }

    public boolean isInvited(String nickKey, long now) {
        Long until = invitations.get(nickKey);
        return until != null && until > now;
    }

    public RoomControl withTopic(ServerEvent.TopicInfo newTopic) {
        return new RoomControl(newTopic, topicLocked, moderated, inviteOnly, key, roles, bans, invitations);
    }

    public RoomControl withModes(Boolean locked, Boolean moderatedRoom, Boolean invitesOnly, String newKey) {
        return new RoomControl(topic, locked == null ? topicLocked : locked,
                moderatedRoom == null ? moderated : moderatedRoom, invitesOnly == null ? inviteOnly : invitesOnly,
                newKey == null ? key : newKey.isEmpty() ? null : newKey, roles, bans, invitations);
    }

    /** The member gets this role; {@code none} (or null) takes it away. */
    public RoomControl withRole(String nickKey, String role) {
        Map<String, String> changed = new TreeMap<>(roles);
        if (role == null || ServerEvent.NO_ROLE.equals(role)) {
            changed.remove(nickKey);
        } else {
            changed.put(nickKey, role);
        }
        return new RoomControl(topic, topicLocked, moderated, inviteOnly, key, changed, bans, invitations);
    }

    /** A member renamed: their role follows them. */
    public RoomControl renamed(String oldKey, String newKey) {
        String role = roles.get(oldKey);
        return role == null || oldKey.equals(newKey) ? this : withRole(oldKey, null).withRole(newKey, role);
    }

    public RoomControl withBan(Ban ban) {
        List<Ban> changed = new ArrayList<>();
        for (Ban existing : bans) {
            if (!existing.nickKey().equals(ban.nickKey())) {
                changed.add(existing);
            }
        }
        changed.add(ban);
        return new RoomControl(topic, topicLocked, moderated, inviteOnly, key, roles, changed, invitations);
    }

    public RoomControl withoutBan(String nickKey) {
        List<Ban> changed = bans.stream().filter(ban -> !ban.nickKey().equals(nickKey)).toList();
        return new RoomControl(topic, topicLocked, moderated, inviteOnly, key, roles, changed, invitations);
    }

    /** Invites the nickname until {@code until}; invitations that ran out by {@code now} go. */
    public RoomControl withInvitation(String nickKey, long until, long now) {
        Map<String, Long> changed = new TreeMap<>();
        invitations.forEach((invited, expiry) -> {
            if (expiry > now) {
                changed.put(invited, expiry);
            }
        });
        changed.put(nickKey, until);
        return new RoomControl(topic, topicLocked, moderated, inviteOnly, key, roles, bans, changed);
    }

    /** The invitation was used. */
    public RoomControl withoutInvitation(String nickKey) {
        if (!invitations.containsKey(nickKey)) {
            return this;
        }
        Map<String, Long> changed = new TreeMap<>(invitations);
        changed.remove(nickKey);
        return new RoomControl(topic, topicLocked, moderated, inviteOnly, key, roles, bans, changed);
    }

    /** A change of control, applied again to the newest control when it raced with another. */
    public interface Change extends UnaryOperator<RoomControl> {
    }
}
