package parley.server;

import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import java.io.IOException;
import java.io.OutputStream;
import java.io.Writer;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/** Throwaway certificates for tests: a CA, and server and client certificates it signs, written as PEM or PKCS#12. */
public final class TestCertificates {
    private static final AtomicLong SERIALS = new AtomicLong(System.currentTimeMillis());

    /** A certificate and the keys it certifies. */
    public record Issued(X509Certificate certificate, KeyPair keys, List<X509Certificate> chain) {
    }

    private TestCertificates() {
    }

    public static Issued ca(String name) throws Exception {
        KeyPair keys = keyPair();
        X500Name subject = new X500Name("CN=" + name);
        var builder = new JcaX509v3CertificateBuilder(subject, serial(), date(Instant.now().minus(Duration.ofDays(1))),
                date(Instant.now().plus(Duration.ofDays(30))), subject, keys.getPublic())
                .addExtension(Extension.basicConstraints, true, new BasicConstraints(true))
                .addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign));
        X509Certificate certificate = sign(builder, keys);
        return new Issued(certificate, keys, List.of(certificate));
    }

    /** A server certificate for localhost and 127.0.0.1, valid now. */
    public static Issued server(Issued ca) throws Exception {
        return issue(ca, "localhost", List.of("localhost"), List.of("127.0.0.1"), Instant.now().minus(Duration.ofDays(1)),
                Instant.now().plus(Duration.ofDays(10)), KeyPurposeId.id_kp_serverAuth);
    }

    public static Issued client(Issued ca, String name) throws Exception {
        return issue(ca, name, List.of(), List.of(), Instant.now().minus(Duration.ofDays(1)),
                Instant.now().plus(Duration.ofDays(10)), KeyPurposeId.id_kp_clientAuth);
    }

    public static Issued issue(Issued ca, String commonName, List<String> dnsNames, List<String> addresses,
                               Instant notBefore, Instant notAfter, KeyPurposeId purpose) throws Exception {
        KeyPair keys = keyPair();
        List<GeneralName> names = new ArrayList<>();
        dnsNames.forEach(name -> names.add(new GeneralName(GeneralName.dNSName, name)));
        addresses.forEach(address -> names.add(new GeneralName(GeneralName.iPAddress, address)));
        var builder = new JcaX509v3CertificateBuilder(ca.certificate(), serial(), date(notBefore), date(notAfter),
                new X500Name("CN=" + commonName), keys.getPublic())
                .addExtension(Extension.basicConstraints, true, new BasicConstraints(false))
                .addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature | KeyUsage.keyEncipherment))
                .addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(purpose));
        if (!names.isEmpty()) {
            builder.addExtension(Extension.subjectAlternativeName, false, new GeneralNames(names.toArray(GeneralName[]::new)));
        }
        X509Certificate certificate = sign(builder, ca.keys());
        List<X509Certificate> chain = new ArrayList<>(List.of(certificate));
        chain.addAll(ca.chain());
        return new Issued(certificate, keys, chain);
    }

    /** Writes {@code NAME.crt} (the chain) and {@code NAME.key} (PKCS#8) into the folder. */
    public static Path[] writePem(Path folder, String name, Issued issued) throws IOException {
        Path certificate = folder.resolve(name + ".crt");
        Path key = folder.resolve(name + ".key");
        try (Writer out = Files.newBufferedWriter(certificate); var pem = new JcaPEMWriter(out)) {
            for (X509Certificate link : issued.chain()) {
                pem.writeObject(link);
            }
        }
        try (Writer out = Files.newBufferedWriter(key); var pem = new JcaPEMWriter(out)) {
            pem.writeObject(new org.bouncycastle.openssl.jcajce.JcaPKCS8Generator(issued.keys().getPrivate(), null));
        }
        return new Path[]{certificate, key};
    }

    public static Path writePkcs12(Path file, Issued issued, char[] password) throws Exception {
        KeyStore store = KeyStore.getInstance("PKCS12");
        store.load(null, null);
        store.setKeyEntry("me", issued.keys().getPrivate(), password, issued.chain().toArray(Certificate[]::new));
        try (OutputStream out = Files.newOutputStream(file)) {
            store.store(out, password);
        }
        return file;
    }

    /** A client-side SSL context that trusts this CA only, optionally presenting a client certificate. */
    public static SSLContext trusting(Issued ca, Issued clientCertificate) throws GeneralSecurityException, IOException {
        KeyStore trusted = KeyStore.getInstance("PKCS12");
        trusted.load(null, null);
        trusted.setCertificateEntry("ca", ca.certificate());
        var trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        trust.init(trusted);
        KeyManagerFactory keys = null;
        if (clientCertificate != null) {
            KeyStore mine = KeyStore.getInstance("PKCS12");
            mine.load(null, null);
            mine.setKeyEntry("me", clientCertificate.keys().getPrivate(), new char[0],
                    clientCertificate.chain().toArray(Certificate[]::new));
            keys = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            keys.init(mine, new char[0]);
        }
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(keys == null ? null : keys.getKeyManagers(), trust.getTrustManagers(), null);
        return context;
    }

    private static KeyPair keyPair() throws GeneralSecurityException {
        KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
        generator.initialize(256);
        return generator.generateKeyPair();
    }

    private static X509Certificate sign(org.bouncycastle.cert.X509v3CertificateBuilder builder, KeyPair signer) throws Exception {
        var signerBuilder = new JcaContentSignerBuilder("SHA256withECDSA").build(signer.getPrivate());
        return new JcaX509CertificateConverter().getCertificate(builder.build(signerBuilder));
    }

    private static BigInteger serial() {
        return BigInteger.valueOf(SERIALS.incrementAndGet());
    }

    private static Date date(Instant instant) {
        return Date.from(instant);
    }
}
