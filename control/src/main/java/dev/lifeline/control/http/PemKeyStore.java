package dev.lifeline.control.http;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.Signature;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.interfaces.ECPublicKey;
import java.security.spec.ECPrivateKeySpec;
import java.security.spec.KeySpec;
import java.security.spec.PKCS8EncodedKeySpec;
import java.security.spec.RSAPrivateCrtKeySpec;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A key store made from the PEM files operators have (what certbot, step-ca or openssl write): a certificate chain,
 * leaf first, and its unencrypted private key in PKCS#8 ({@code PRIVATE KEY}), PKCS#1 ({@code RSA PRIVATE KEY}) or
 * SEC1 ({@code EC PRIVATE KEY}) form. The key is checked against the certificate, so a mismatched pair fails at start,
 * not at the first client's handshake.
 */
public final class PemKeyStore {
    public static final String ALIAS = "control";
    private static final Pattern KEY_BLOCK = Pattern.compile(
            "-----BEGIN ([A-Z ]*PRIVATE KEY)-----([A-Za-z0-9+/=\\s]+)-----END \\1-----");

    private PemKeyStore() {}

    /** The key store (PKCS#12, in memory) holding the key under {@link #ALIAS} with {@code password}. */
    public static KeyStore load(Path certificateFile, Path keyFile, char[] password) {
        List<X509Certificate> chain = certificates(certificateFile);
        PrivateKey key = privateKey(keyFile, chain.get(0));
        requirePair(key, chain.get(0), keyFile);
        try {
            KeyStore store = KeyStore.getInstance("PKCS12");
            store.load(null, null);
            store.setKeyEntry(ALIAS, key, password, chain.toArray(new Certificate[0]));
            return store;
        } catch (GeneralSecurityException | IOException e) {
            throw new PemException(false, "cannot be stored in a key store: " + e.getMessage());
        }
    }

    /** Checks that the two files make a usable pair. */
    public static void load(Path certificateFile, Path keyFile) {
        load(certificateFile, keyFile, new char[0]);
    }

    private static List<X509Certificate> certificates(Path file) {
        byte[] bytes = read(file, false);
        try {
            List<X509Certificate> chain = new ArrayList<>();
            for (Certificate c : CertificateFactory.getInstance("X.509")
                    .generateCertificates(new ByteArrayInputStream(bytes))) {
                chain.add((X509Certificate) c);
            }
            if (chain.isEmpty()) {
                throw new PemException(false, "holds no certificate (expected -----BEGIN CERTIFICATE----- blocks)");
            }
            return chain;
        } catch (GeneralSecurityException e) {
            throw new PemException(false, "is not a PEM certificate chain: " + e.getMessage());
        }
    }

    private static PrivateKey privateKey(Path file, X509Certificate leaf) {
        String text = new String(read(file, true), StandardCharsets.US_ASCII);
        Matcher m = KEY_BLOCK.matcher(text);
        if (!m.find()) {
            throw new PemException(true, "holds no PEM private key (expected -----BEGIN PRIVATE KEY-----)");
        }
        String type = m.group(1);
        byte[] der = Base64.getMimeDecoder().decode(m.group(2));
        String algorithm = leaf.getPublicKey().getAlgorithm();
        try {
            KeySpec spec = switch (type) {
                case "PRIVATE KEY" -> new PKCS8EncodedKeySpec(der);
                case "RSA PRIVATE KEY" -> rsaPkcs1(der);
                case "EC PRIVATE KEY" -> ecSec1(der, leaf);
                case "ENCRYPTED PRIVATE KEY" -> throw new PemException(true, "is encrypted; give the unencrypted key "
                        + "(openssl pkey -in KEY -out PLAIN), readable only by the control plane's user");
                default -> throw new PemException(true, "holds a " + type + ", which is not supported; convert it "
                        + "with openssl pkcs8 -topk8 -nocrypt");
            };
            return KeyFactory.getInstance(algorithm).generatePrivate(spec);
        } catch (GeneralSecurityException | IllegalStateException e) {
            throw new PemException(true, "is not a usable " + algorithm + " private key for the certificate: "
                    + e.getMessage());
        }
    }

    /** PKCS#1 RSAPrivateKey: SEQUENCE { version, n, e, d, p, q, dp, dq, qinv }. */
    private static KeySpec rsaPkcs1(byte[] der) {
        Der.Reader seq = new Der.Reader(der).sequence();
        seq.integer();
        return new RSAPrivateCrtKeySpec(seq.integer(), seq.integer(), seq.integer(), seq.integer(), seq.integer(),
                seq.integer(), seq.integer(), seq.integer());
    }

    /** SEC1 ECPrivateKey: SEQUENCE { version, OCTET STRING key, ... }; the curve is the certificate's. */
    private static KeySpec ecSec1(byte[] der, X509Certificate leaf) {
        if (!(leaf.getPublicKey() instanceof ECPublicKey ec)) {
            throw new PemException(true, "is an EC key but the certificate's key is "
                    + leaf.getPublicKey().getAlgorithm());
        }
        Der.Reader seq = new Der.Reader(der).sequence();
        seq.integer();
        return new ECPrivateKeySpec(new BigInteger(1, seq.octets()), ec.getParams());
    }

    private static void requirePair(PrivateKey key, X509Certificate leaf, Path keyFile) {
        String algorithm = switch (key.getAlgorithm()) {
            case "RSA" -> "SHA256withRSA";
            case "EC" -> "SHA256withECDSA";
            default -> key.getAlgorithm();
        };
        try {
            byte[] probe = "lifeline".getBytes(StandardCharsets.US_ASCII);
            Signature sign = Signature.getInstance(algorithm);
            sign.initSign(key);
            sign.update(probe);
            byte[] signature = sign.sign();
            Signature verify = Signature.getInstance(algorithm);
            verify.initVerify(leaf.getPublicKey());
            verify.update(probe);
            if (!verify.verify(signature)) {
                throw new PemException(true, "does not belong to the certificate (its first certificate, "
                        + leaf.getSubjectX500Principal().getName() + ", has another public key)");
            }
        } catch (GeneralSecurityException e) {
            throw new PemException(true, "cannot be checked against the certificate: " + e.getMessage());
        }
    }

    private static byte[] read(Path file, boolean key) {
        try {
            return Files.readAllBytes(file);
        } catch (IOException e) {
            throw new PemException(key, "cannot be read: " + e.getMessage()
                    + " (check the path and that the control plane's user may read it)");
        }
    }

    /** A certificate or key file that cannot be used; {@link #aboutKey()} says which of the two. */
    public static final class PemException extends IllegalArgumentException {
        private final boolean aboutKey;

        PemException(boolean aboutKey, String message) {
            super(message);
            this.aboutKey = aboutKey;
        }

        public boolean aboutKey() {
            return aboutKey;
        }
    }
}
