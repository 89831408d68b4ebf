package parley.server.access;

import java.time.Duration;

/**
 * Who may use the server: browsers' origins, and the password when there is one.
 *
 * @param password    the server's password, or null for none
 * @param throttle    wrong passwords per address
 * @param authTimeout how long a connection may take to give the password
 * @param origins     which browser origins may connect
 * @param proxies     the load balancers whose forwarded client addresses are believed
 */
public record Access(Password password, LoginThrottle throttle, Duration authTimeout, OriginPolicy origins,
                     TrustedProxies proxies) {
    public static final int DEFAULT_MAX_FAILED_LOGINS = 5;
    public static final int DEFAULT_FAILED_LOGIN_WINDOW_SECONDS = 60;
    public static final int DEFAULT_AUTH_TIMEOUT_SECONDS = 30;
    /** Addresses whose wrong passwords are remembered at once. */
    public static final int MAX_TRACKED_ADDRESSES = 100_000;

    public static Access open() {
        return new Access(null, defaultThrottle(), Duration.ofSeconds(DEFAULT_AUTH_TIMEOUT_SECONDS), OriginPolicy.defaults(),
                TrustedProxies.none());
    }

    public static LoginThrottle defaultThrottle() {
        return new LoginThrottle(DEFAULT_MAX_FAILED_LOGINS, Duration.ofSeconds(DEFAULT_FAILED_LOGIN_WINDOW_SECONDS),
                MAX_TRACKED_ADDRESSES, System::nanoTime);
    }

    public Access withPassword(Password newPassword) {
        return new Access(newPassword, throttle, authTimeout, origins, proxies);
    }

    public Access withOrigins(OriginPolicy newOrigins) {
        return new Access(password, throttle, authTimeout, newOrigins, proxies);
    }

    public Access withTrustedProxies(TrustedProxies trusted) {
        return new Access(password, throttle, authTimeout, origins, trusted);
    }

    public boolean needsPassword() {
        return password != null;
    }
}
