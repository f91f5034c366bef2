package dev.lifeline.control.http;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.Base64;
import java.util.List;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/**
 * Self-signed certificates for 127.0.0.1 and localhost, made with the JDK's keytool, written as the PEM files an
 * operator has (certificate; key as PKCS#8, PKCS#1 or SEC1).
 */
public final class TestCertificates {
    private static final char[] PASSWORD = "changeit".toCharArray();

    /** One certificate and its key, as read back from keytool's store. */
    public record Pair(X509Certificate certificate, PrivateKey key) {
        public Path writeCertificate(Path file) throws IOException {
            return write(file, "CERTIFICATE", encoded(certificate));
        }

        /** PKCS#8 ({@code PRIVATE KEY}). */
        public Path writeKey(Path file) throws IOException {
            return write(file, "PRIVATE KEY", key.getEncoded());
        }

        /** The algorithm's own form: PKCS#1 {@code RSA PRIVATE KEY} or SEC1 {@code EC PRIVATE KEY}. */
        public Path writeTraditionalKey(Path file) throws IOException {
            Der.Reader pkcs8 = new Der.Reader(key.getEncoded()).sequence();
            pkcs8.integer();
            pkcs8.sequence();
            return write(file, key.getAlgorithm() + " PRIVATE KEY", pkcs8.octets());
        }

        /** A client context that trusts this certificate only. */
        public SSLContext trustingContext() throws GeneralSecurityException, IOException {
            KeyStore trust = KeyStore.getInstance("PKCS12");
            trust.load(null, null);
            trust.setCertificateEntry("control", certificate);
            TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            tmf.init(trust);
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(null, tmf.getTrustManagers(), null);
            return context;
        }
    }

    private TestCertificates() {}

    /** A new key pair ({@code RSA} or {@code EC}) with a certificate for 127.0.0.1 and localhost. */
    public static Pair generate(Path dir, String algorithm) throws Exception {
        Path store = dir.resolve(algorithm.toLowerCase() + "-" + System.nanoTime() + ".p12");
        Path keytool = Path.of(System.getProperty("java.home"), "bin", "keytool");
        Process p = new ProcessBuilder(List.of(keytool.toString(), "-genkeypair", "-keyalg", algorithm, "-alias",
                "control", "-dname", "CN=localhost", "-ext", "SAN=ip:127.0.0.1,dns:localhost", "-validity", "2",
                "-keystore", store.toString(), "-storetype", "PKCS12", "-storepass", new String(PASSWORD),
                "-keypass", new String(PASSWORD))).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (p.waitFor() != 0) {
            throw new IllegalStateException("keytool failed: " + out);
        }
        KeyStore ks = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(store)) {
            ks.load(in, PASSWORD);
        }
        return new Pair((X509Certificate) ks.getCertificate("control"), (PrivateKey) ks.getKey("control", PASSWORD));
    }

    private static byte[] encoded(X509Certificate c) {
        try {
            return c.getEncoded();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    private static Path write(Path file, String type, byte[] der) throws IOException {
        String body = Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(der);
        return Files.writeString(file, "-----BEGIN " + type + "-----\n" + body + "\n-----END " + type + "-----\n");
    }
}
