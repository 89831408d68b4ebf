package parley.server.transport;

import parley.server.access.LoginThrottle;
import parley.server.access.Password;

/**
 * The administrators' API ({@code --admin-token-file}).
 *
 * @param token    the administrators' token
 * @param throttle wrong tokens per address
 * @param drain    drains this server for a restart, and then stops it; runs on the API's thread
 */
public record AdminSettings(Password token, LoginThrottle throttle, Runnable drain) {
}
