package parley.client.connection;

import javax.net.ssl.KeyManager;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509ExtendedTrustManager;
import javax.net.ssl.X509TrustManager;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.MessageDigest;
import java.security.cert.Certificate;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Which servers the client trusts: certificates that the system's trust store (plus an optional trust file)
 * vouches for, for the host they were issued for; and beyond those, exactly the certificates the user chose to
 * trust for one host and port (trust on first use). Also holds the client certificate, for servers that ask.
 */
public final class ServerTrust {

    /** Where the user's trust decisions live: a certificate fingerprint per {@code host:port}. */
    public interface Pins {
        String pinned(String server);

        void pin(String server, String fingerprint);
    }

    private final Pins pins;
    private final List<X509Certificate> trustFile;
    private volatile KeyManager[] clientKeys;
    private volatile X509ExtendedTrustManager usualChecks;
    private volatile String clientCertificateName;
    /** The fingerprint of the certificate each server last presented and was trusted with, by {@code host:port}. */
    private final java.util.Map<String, String> accepted = new java.util.concurrent.ConcurrentHashMap<>();

    public ServerTrust(Pins pins, List<X509Certificate> trustFile, KeyManager[] clientKeys) {
        this.pins = pins;
        this.trustFile = List.copyOf(trustFile);
        this.clientKeys = clientKeys;
    }

    public Pins pins() {
        return pins;
    }

    /** The SHA-256 fingerprint of the certificate this server was last trusted with, or null. */
    public String acceptedFingerprint(String host, int port) {
        return accepted.get(host.toLowerCase(Locale.ROOT) + ":" + port);
    }

    /**
     * From the next connection on, presents the client certificate in this PKCS#12 file to servers that ask.
     *
     * @return the certificate's subject, for showing
     */
    public String useClientCertificate(Path pkcs12, char[] password) throws IOException, GeneralSecurityException {
        KeyStore store = loadPkcs12(pkcs12, password);
        String subject = null;
        for (String alias : java.util.Collections.list(store.aliases())) {
            if (store.isKeyEntry(alias) && store.getCertificate(alias) instanceof X509Certificate certificate) {
                subject = certificate.getSubjectX500Principal().getName();
            }
        }
        if (subject == null) {
            throw new GeneralSecurityException("no key with a certificate in " + pkcs12.getFileName());
        }
        clientKeys = keyManagers(store, password);
        clientCertificateName = subject;
        return subject;
    }

    /** The subject of the client certificate in use, or null. */
    public String clientCertificateName() {
        return clientCertificateName;
    }

    /**
     * An SSL context for one connection to {@code host:port}; when it refuses the server's certificate, the
     * reason is left in {@code problem}.
     */
    SSLContext contextFor(String host, int port, AtomicReference<CertificateProblem> problem) throws GeneralSecurityException {
        X509ExtendedTrustManager usual = usualTrustManager();
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(clientKeys, new TrustManager[]{new PinningTrustManager(usual, host, port, problem)}, null);
        return context;
    }

    /** The system's and the trust file's verdict, built once: neither changes while the client runs. */
    private X509ExtendedTrustManager usualTrustManager() throws GeneralSecurityException {
        X509ExtendedTrustManager built = usualChecks;
        if (built == null) {
            built = buildUsualTrustManager();
            usualChecks = built;
        }
        return built;
    }

    private X509ExtendedTrustManager buildUsualTrustManager() throws GeneralSecurityException {
        KeyStore store = null;
        if (!trustFile.isEmpty()) {
            // The system's trusted CAs plus the trust file's certificates.
            store = KeyStore.getInstance(KeyStore.getDefaultType());
            try {
                store.load(null, null);
            } catch (IOException e) {
                throw new GeneralSecurityException(e);
            }
            int n = 0;
            for (X509TrustManager system : trustManagers(null)) {
                for (X509Certificate ca : system.getAcceptedIssuers()) {
                    store.setCertificateEntry("system-" + n++, ca);
                }
            }
            for (X509Certificate extra : trustFile) {
                store.setCertificateEntry("trust-file-" + n++, extra);
            }
        }
        for (X509TrustManager manager : trustManagers(store)) {
            if (manager instanceof X509ExtendedTrustManager extended) {
                return extended;
            }
        }
        throw new GeneralSecurityException("no X.509 trust manager in this Java runtime");
    }

    private static List<X509TrustManager> trustManagers(KeyStore store) throws GeneralSecurityException {
        TrustManagerFactory factory = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        factory.init(store);
        List<X509TrustManager> managers = new ArrayList<>();
        for (TrustManager manager : factory.getTrustManagers()) {
            if (manager instanceof X509TrustManager x509) {
                managers.add(x509);
            }
        }
        return managers;
    }

    /** SHA-256 of a certificate as colon-separated upper-case hex pairs, as browsers and openssl show it. */
    public static String fingerprint(X509Certificate certificate) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(certificate.getEncoded());
            return HexFormat.ofDelimiter(":").withUpperCase().formatHex(digest);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot fingerprint a certificate", e);
        }
    }

    /** Reads every certificate of a PEM (or DER) file: CAs or server certificates to trust. */
    public static List<X509Certificate> readTrustFile(Path file) throws IOException, GeneralSecurityException {
        try (InputStream in = Files.newInputStream(file)) {
            List<X509Certificate> certificates = new ArrayList<>();
            for (Certificate certificate : CertificateFactory.getInstance("X.509").generateCertificates(in)) {
                certificates.add((X509Certificate) certificate);
            }
            return certificates;
        }
    }

    /** The key managers of a PKCS#12 file holding the client's key and certificate. */
    public static KeyManager[] readClientCertificate(Path pkcs12, char[] password) throws IOException, GeneralSecurityException {
        return keyManagers(loadPkcs12(pkcs12, password), password);
    }

    private static KeyStore loadPkcs12(Path file, char[] password) throws IOException, GeneralSecurityException {
        KeyStore store = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(file)) {
            store.load(in, password);
        }
        return store;
    }

    private static KeyManager[] keyManagers(KeyStore store, char[] password) throws GeneralSecurityException {
        KeyManagerFactory factory = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        factory.init(store, password);
        return factory.getKeyManagers();
    }

    /** The usual checks, then the user's pin for this server; a refusal leaves its reason for the connection. */
    private final class PinningTrustManager extends X509ExtendedTrustManager {
        private final X509ExtendedTrustManager usual;
        private final String host;
        private final int port;
        private final AtomicReference<CertificateProblem> problem;

        PinningTrustManager(X509ExtendedTrustManager usual, String host, int port, AtomicReference<CertificateProblem> problem) {
            this.usual = usual;
            this.host = host;
            this.port = port;
            this.problem = problem;
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine) throws CertificateException {
            try {
                // The engine carries the host name, so this checks it against the certificate as well.
                usual.checkServerTrusted(chain, authType, engine);
                remember(chain);
            } catch (CertificateException refused) {
                checkPin(chain, refused);
            }
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket) throws CertificateException {
            try {
                usual.checkServerTrusted(chain, authType, socket);
                remember(chain);
            } catch (CertificateException refused) {
                checkPin(chain, refused);
            }
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType) throws CertificateException {
            try {
                usual.checkServerTrusted(chain, authType);
                remember(chain);
            } catch (CertificateException refused) {
                checkPin(chain, refused);
            }
        }

        private void remember(X509Certificate[] chain) {
            if (chain != null && chain.length > 0) {
                accepted.put(host.toLowerCase(Locale.ROOT) + ":" + port, fingerprint(chain[0]));
            }
        }

        private void checkPin(X509Certificate[] chain, CertificateException refused) throws CertificateException {
            if (chain == null || chain.length == 0) {
                throw refused;
            }
            String server = host.toLowerCase(Locale.ROOT) + ":" + port;
            String fingerprint = fingerprint(chain[0]);
            String pinned = pins.pinned(server);
            if (fingerprint.equals(pinned)) {
                remember(chain);
                return;
            }
            problem.set(new CertificateProblem(host, port, fingerprint, pinned, describe(refused, chain[0])));
            throw refused;
        }

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine) throws CertificateException {
            throw new CertificateException("this trust manager checks servers only");
        }

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket) throws CertificateException {
            throw new CertificateException("this trust manager checks servers only");
        }

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType) throws CertificateException {
            throw new CertificateException("this trust manager checks servers only");
        }

        @Override
        public X509Certificate[] getAcceptedIssuers() {
            return usual.getAcceptedIssuers();
        }
    }

    private static String describe(CertificateException refused, X509Certificate certificate) {
        try {
            certificate.checkValidity();
        } catch (CertificateException expired) {
            return "the certificate is expired or not yet valid (valid " + certificate.getNotBefore() + " to "
                    + certificate.getNotAfter() + ")";
        }
        String message = refused.getMessage() == null ? "" : refused.getMessage();
        if (message.contains("No subject alternative") || message.contains("No name matching")) {
            return "the certificate was issued for another host (" + message + ")";
        }
        if (certificate.getSubjectX500Principal().equals(certificate.getIssuerX500Principal())) {
            return "the certificate is self-signed";
        }
        return "the certificate is signed by an authority this computer does not trust";
    }
}
