package parley.server.transport;

import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.jce.provider.BouncyCastleProvider;
import org.bouncycastle.openssl.PEMEncryptedKeyPair;
import org.bouncycastle.openssl.PEMKeyPair;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter;
import org.bouncycastle.openssl.jcajce.JceOpenSSLPKCS8DecryptorProviderBuilder;
import org.bouncycastle.openssl.jcajce.JcePEMDecryptorProviderBuilder;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.pkcs.PKCSException;
import org.bouncycastle.pkcs.PKCS8EncryptedPrivateKeyInfo;

import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import java.io.IOException;
import java.io.InputStream;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;

/**
 * TLS for the server's port: its certificate and key (PEM files or a PKCS#12 keystore), optionally the CA that
 * client certificates must be signed by and whether one is wanted or needed. TLS 1.2 and 1.3 only.
 */
public record TlsSettings(SSLContext context, ClientAuth clientAuth) {
    public static final String[] PROTOCOLS = {"TLSv1.3", "TLSv1.2"};

    public enum ClientAuth { NONE, WANT, NEED }

    /** Why TLS could not be set up from the given files: unreadable, wrong password, not a key or certificate. */
    public static final class SetupException extends Exception {
        SetupException(String message, Throwable cause) {
            super(message, cause);
        }
    }

    /**
     * From PEM files: the certificate chain (server certificate first) and its private key in any format openssl
     * writes (PKCS#8, encrypted PKCS#8, PKCS#1 RSA, SEC1 EC, legacy encrypted).
     */
    public static TlsSettings fromPem(Path certificateFile, Path keyFile, char[] keyPassword, Path clientCa,
                                      ClientAuth clientAuth) throws SetupException {
        List<X509Certificate> chain = readCertificates(certificateFile);
        PrivateKey key = readPrivateKey(keyFile, keyPassword);
        try {
            KeyStore store = KeyStore.getInstance("PKCS12");
            store.load(null, null);
            char[] storePassword = new char[0];
            store.setKeyEntry("parley", key, storePassword, chain.toArray(Certificate[]::new));
            return build(store, storePassword, clientCa, clientAuth);
        } catch (IOException | GeneralSecurityException e) {
            throw new SetupException("the key in " + keyFile + " does not go with the certificate in " + certificateFile
                    + ": " + e.getMessage(), e);
        }
    }

    /** From a PKCS#12 keystore holding the server's key and certificate chain. */
    public static TlsSettings fromPkcs12(Path keystore, char[] password, Path clientCa, ClientAuth clientAuth)
            throws SetupException {
        try (InputStream in = Files.newInputStream(keystore)) {
            KeyStore store = KeyStore.getInstance("PKCS12");
            store.load(in, password);
            return build(store, password, clientCa, clientAuth);
        } catch (IOException | GeneralSecurityException e) {
            throw new SetupException("cannot read the keystore " + keystore + " (wrong password?): " + e.getMessage(), e);
        }
    }

    private static TlsSettings build(KeyStore keys, char[] keyPassword, Path clientCa, ClientAuth clientAuth)
            throws SetupException, GeneralSecurityException {
        KeyManagerFactory keyManagers = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        keyManagers.init(keys, keyPassword);
        TrustManagerFactory trustManagers = null;
        if (clientCa != null) {
            KeyStore trusted = KeyStore.getInstance("PKCS12");
            try {
                trusted.load(null, null);
            } catch (IOException e) {
                throw new GeneralSecurityException(e);
            }
            int n = 0;
            for (X509Certificate ca : readCertificates(clientCa)) {
                trusted.setCertificateEntry("client-ca-" + n++, ca);
            }
            trustManagers = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            trustManagers.init(trusted);
        }
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(keyManagers.getKeyManagers(), trustManagers == null ? null : trustManagers.getTrustManagers(), null);
        return new TlsSettings(context, clientCa == null ? ClientAuth.NONE : clientAuth);
    }

    static List<X509Certificate> readCertificates(Path file) throws SetupException {
        try (InputStream in = Files.newInputStream(file)) {
            List<X509Certificate> certificates = new ArrayList<>();
            for (Certificate certificate : CertificateFactory.getInstance("X.509").generateCertificates(in)) {
                certificates.add((X509Certificate) certificate);
            }
            if (certificates.isEmpty()) {
                throw new SetupException("no certificate in " + file, null);
            }
            return certificates;
        } catch (IOException | GeneralSecurityException e) {
            throw new SetupException("cannot read certificates from " + file + ": " + e.getMessage(), e);
        }
    }

    private static PrivateKey readPrivateKey(Path file, char[] password) throws SetupException {
        try (Reader reader = Files.newBufferedReader(file, StandardCharsets.US_ASCII); PEMParser pem = new PEMParser(reader)) {
            var converter = new JcaPEMKeyConverter();
            for (Object item = pem.readObject(); item != null; item = pem.readObject()) {
                if (item instanceof PrivateKeyInfo info) {
                    return converter.getPrivateKey(info);
                } else if (item instanceof PEMKeyPair pair) {
                    return converter.getKeyPair(pair).getPrivate();
                } else if (item instanceof PKCS8EncryptedPrivateKeyInfo encrypted) {
                    return converter.getPrivateKey(encrypted.decryptPrivateKeyInfo(
                            new JceOpenSSLPKCS8DecryptorProviderBuilder().setProvider(new BouncyCastleProvider())
                                    .build(needPassword(password, file))));
                } else if (item instanceof PEMEncryptedKeyPair encrypted) {
                    return converter.getKeyPair(encrypted.decryptKeyPair(
                            new JcePEMDecryptorProviderBuilder().setProvider(new BouncyCastleProvider())
                                    .build(needPassword(password, file)))).getPrivate();
                }
            }
            throw new SetupException("no private key in " + file, null);
        } catch (IOException | OperatorCreationException | PKCSException e) {
            throw new SetupException("cannot read the private key in " + file + " (wrong password?): " + e.getMessage(), e);
        }
    }

    private static char[] needPassword(char[] password, Path file) throws SetupException {
        if (password == null || password.length == 0) {
            throw new SetupException("the private key in " + file + " is encrypted: give its password", null);
        }
        return password;
    }
}
