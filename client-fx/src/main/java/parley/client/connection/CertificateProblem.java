package parley.client.connection;

/**
 * A server certificate the client does not trust: signed by nobody it trusts, expired, issued for another host,
 * or different from the one the user chose to trust for this server before.
 *
 * @param host              the server as the user named it
 * @param port              its port
 * @param fingerprint       SHA-256 of the server's certificate, as colon-separated hex pairs
 * @param trustedFingerprint the fingerprint the user trusted for this server before, or null
 * @param reason            why the usual checks refused it, for people
 */
public record CertificateProblem(String host, int port, String fingerprint, String trustedFingerprint, String reason) {

    /** The server presents a certificate other than the one the user trusted: maybe someone in between. */
    public boolean changed() {
        return trustedFingerprint != null && !trustedFingerprint.equals(fingerprint);
    }

    public String server() {
        return host + ":" + port;
    }
}
