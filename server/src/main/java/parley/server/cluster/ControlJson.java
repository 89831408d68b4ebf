package parley.server.cluster;

import jakarta.json.bind.Jsonb;
import jakarta.json.bind.JsonbBuilder;
import parley.server.chat.Backplane;
import parley.server.chat.RoomControl;

/**
 * A room's control and a user's profile as the store keeps them: JSON, so that a person can read them in Redis.
 * Internal to the cluster: ban addresses are in here, and clients never see this form.
 */
final class ControlJson {
    private static final Jsonb JSONB = JsonbBuilder.create();

    private ControlJson() {
    }

    static String encode(RoomControl control) {
        return JSONB.toJson(control);
    }

    /** The stored control, or none when there is none yet. */
    static RoomControl decode(String json) {
        return json == null || json.isEmpty() ? RoomControl.NONE : JSONB.fromJson(json, RoomControl.class);
    }

    static String encode(Backplane.Profile profile) {
        return JSONB.toJson(profile);
    }

    static Backplane.Profile decodeProfile(String json) {
        return json == null ? null : JSONB.fromJson(json, Backplane.Profile.class);
    }
}
