package io.btget.tracker;

import io.btget.metainfo.InfoHash;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/** Small values shared by the tracker tests. */
public final class TestData {
    private TestData() {
    }

    /** An info hash full of bytes that need percent-encoding (0x00, 0xff, '%', '&', ' ', '=', ...). */
    public static InfoHash awkwardInfoHash() {
        byte[] b = new byte[20];
        byte[] specials = {0x00, (byte) 0xff, '%', '&', ' ', '=', '+', '?', '#', '/', (byte) 0x80, 'a', '~', '-'};
        for (int i = 0; i < b.length; i++) {
            b[i] = specials[i % specials.length];
        }
        return new InfoHash(b);
    }

    public static InfoHash infoHash(int seed) {
        byte[] b = new byte[20];
        Arrays.fill(b, (byte) seed);
        return new InfoHash(b);
    }

    /** A 20-byte peer id starting with {@code prefix}, padded with digits of {@code n}. */
    public static byte[] peerId(String prefix, int n) {
        String digits = String.format("%020d", n);
        String s = prefix + digits.substring(prefix.length());
        return s.getBytes(StandardCharsets.ISO_8859_1);
    }

    public static AnnounceRequest request(InfoHash hash, byte[] peerId, int port, long left, AnnounceEvent event) {
        return new AnnounceRequest(hash, peerId, port, 0, 0, left, event, AnnounceRequest.DEFAULT_NUM_WANT);
    }
}
