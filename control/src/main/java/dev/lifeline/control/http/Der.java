package dev.lifeline.control.http;

import java.math.BigInteger;
import java.util.Arrays;

/** Just enough DER to read the PKCS#1 and SEC1 private keys of {@link PemKeyStore}. */
final class Der {
    private Der() {}

    static final class Reader {
        private final byte[] der;
        private int pos;
        private final int end;

        Reader(byte[] der) {
            this(der, 0, der.length);
        }

        private Reader(byte[] der, int from, int to) {
            this.der = der;
            this.pos = from;
            this.end = to;
        }

        Reader sequence() {
            int length = header(0x30);
            Reader inner = new Reader(der, pos, pos + length);
            pos += length;
            return inner;
        }

        BigInteger integer() {
            int length = header(0x02);
            BigInteger v = new BigInteger(Arrays.copyOfRange(der, pos, pos + length));
            pos += length;
            return v;
        }

        byte[] octets() {
            int length = header(0x04);
            byte[] v = Arrays.copyOfRange(der, pos, pos + length);
            pos += length;
            return v;
        }

        private int header(int tag) {
            if (pos + 2 > end || (der[pos] & 0xff) != tag) {
                throw new IllegalStateException("malformed DER: expected tag " + tag + " at byte " + pos);
            }
            pos++;
            int first = der[pos++] & 0xff;
            int length = first;
            if (first >= 0x80) {
                int bytes = first & 0x7f;
                if (bytes < 1 || bytes > 3 || pos + bytes > end) {
                    throw new IllegalStateException("malformed DER length at byte " + pos);
                }
                length = 0;
                for (int i = 0; i < bytes; i++) {
                    length = (length << 8) | (der[pos++] & 0xff);
                }
            }
            if (pos + length > end) {
                throw new IllegalStateException("DER value runs past its end at byte " + pos);
            }
            return length;
        }
    }
}
