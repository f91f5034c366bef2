package dev.lifeline.control.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PemKeyStoreTest {
    @TempDir
    Path dir;

    @Test
    void rsaAndEcKeysLoadInEveryFormOperatorsHave() throws Exception {
        for (String algorithm : new String[] {"RSA", "EC"}) {
            TestCertificates.Pair pair = TestCertificates.generate(dir, algorithm);
            Path cert = pair.writeCertificate(dir.resolve(algorithm + ".crt"));
            for (Path key : new Path[] {pair.writeKey(dir.resolve(algorithm + ".pk8")),
                    pair.writeTraditionalKey(dir.resolve(algorithm + ".key"))}) {
                KeyStore store = PemKeyStore.load(cert, key, "pw".toCharArray());
                assertThat(store.getKey(PemKeyStore.ALIAS, "pw".toCharArray()).getAlgorithm()).isEqualTo(algorithm);
                assertThat(store.getCertificateChain(PemKeyStore.ALIAS)).hasSize(1);
            }
        }
    }

    @Test
    void aKeyOfAnotherCertificateIsRefusedAtLoad() throws Exception {
        TestCertificates.Pair one = TestCertificates.generate(dir, "RSA");
        TestCertificates.Pair other = TestCertificates.generate(dir, "RSA");
        Path cert = one.writeCertificate(dir.resolve("one.crt"));
        Path key = other.writeKey(dir.resolve("other.key"));
        assertThatThrownBy(() -> PemKeyStore.load(cert, key)).isInstanceOfSatisfying(PemKeyStore.PemException.class,
                e -> assertThat(e.aboutKey()).isTrue()).hasMessageContaining("does not belong to the certificate");
    }

    @Test
    void filesThatAreNotPemSayWhatIsExpected() throws Exception {
        TestCertificates.Pair pair = TestCertificates.generate(dir, "EC");
        Path cert = pair.writeCertificate(dir.resolve("c.crt"));
        Path junk = Files.writeString(dir.resolve("junk"), "hello");
        assertThatThrownBy(() -> PemKeyStore.load(junk, junk)).hasMessageContaining("certificate");
        assertThatThrownBy(() -> PemKeyStore.load(cert, junk)).hasMessageContaining("holds no PEM private key");
        Path encrypted = Files.writeString(dir.resolve("enc.key"), "-----BEGIN ENCRYPTED PRIVATE KEY-----\nAAAA\n"
                + "-----END ENCRYPTED PRIVATE KEY-----\n");
        assertThatThrownBy(() -> PemKeyStore.load(cert, encrypted)).hasMessageContaining("is encrypted");
    }
}
