package parley.client.connection;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;

/**
 * Tells why a WebSocket handshake got no answer when the cause is the TLS setting: the client spoke TLS to a
 * plain port, or plain HTTP to a TLS port. Both kinds of server hang up at once, which the WebSocket client
 * reports only as a timeout; one short look at the port tells them apart.
 */
final class HandshakeProbe {
    private static final int TIMEOUT_MILLIS = 1_500;
    /** The first bytes of a TLS ClientHello record: a server that speaks TLS answers it or sends an alert. */
    private static final byte[] TLS_HELLO_START = {0x16, 0x03, 0x01, 0x00, 0x05, 0x01, 0x00, 0x00, 0x01, 0x00};

    private HandshakeProbe() {
    }

    /** A message for the user when the port speaks the other protocol, or null when it does not look like that. */
    static String tlsMismatch(String host, int port, boolean secure) {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(host, port), TIMEOUT_MILLIS);
            socket.setSoTimeout(TIMEOUT_MILLIS);
            InputStream in = socket.getInputStream();
            if (secure) {
                socket.getOutputStream().write(TLS_HELLO_START);
                int first = in.read();
                // A TLS server answers a handshake record with a handshake or an alert record; anything else
                // (an HTTP answer, or hanging up at once) is a plain port.
                return first == 0x15 || first == 0x16 ? null
                        : "the server hung up on the TLS handshake: it may not speak TLS on this port (turn off Secure)";
            }
            socket.getOutputStream().write(("GET /health HTTP/1.1\r\nHost: " + host + "\r\nConnection: close\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            byte[] start = in.readNBytes(5);
            return new String(start, StandardCharsets.US_ASCII).startsWith("HTTP/") ? null
                    : "the server hung up during the handshake: it may want TLS (turn on Secure)";
        } catch (IOException e) {
            return secure ? null : "the server hung up during the handshake: it may want TLS (turn on Secure)";
        }
    }
}
