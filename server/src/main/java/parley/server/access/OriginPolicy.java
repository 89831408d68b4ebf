package parley.server.access;

import java.util.Locale;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Which WebSocket handshakes may come from browsers. Browsers send the page's origin; a page from an origin not
 * on the list is refused (HTTP 403), so no web page can chat in its visitor's name unless the operator listed
 * it. Desktop clients send no Origin and are let in, unless {@code requireOrigin} is set. {@code *} allows all.
 */
public record OriginPolicy(Set<String> allowed, boolean requireOrigin) {
    public static final String ANY = "*";

    public OriginPolicy {
        allowed = allowed.stream().map(OriginPolicy::canonical).collect(Collectors.toUnmodifiableSet());
    }

    public static OriginPolicy defaults() {
        return new OriginPolicy(Set.of(), false);
    }

    public boolean allows(String origin) {
        if (origin == null || origin.isBlank()) {
            return !requireOrigin;
        }
        return allowed.contains(ANY) || allowed.contains(canonical(origin));
    }

    /** Origins compare ignoring case and a trailing slash: {@code https://Chat.example.org/} = {@code https://chat.example.org}. */
    private static String canonical(String origin) {
        String trimmed = origin.strip().toLowerCase(Locale.ROOT);
        return trimmed.endsWith("/") ? trimmed.substring(0, trimmed.length() - 1) : trimmed;
    }
}
