package io.btget.peer.ext.pex;

import io.btget.bencode.BDict;
import io.btget.bencode.BString;
import io.btget.bencode.BValue;
import io.btget.bencode.Bencode;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.util.LinkedHashMap;
import java.util.Map;

/** Helpers that build ut_pex payloads by hand, independent of {@link PexMessage#encode()}. */
final class PexTestData {
    private PexTestData() {
    }

    static InetSocketAddress addr(String ip, int port) {
        try {
            return new InetSocketAddress(InetAddress.getByName(ip), port);
        } catch (UnknownHostException e) {
            throw new AssertionError(e);
        }
    }

    /** 6 bytes: a.b.c.d then port, network order. */
    static byte[] v4(int a, int b, int c, int d, int port) {
        return new byte[] {(byte) a, (byte) b, (byte) c, (byte) d, (byte) (port >>> 8), (byte) port};
    }

    static byte[] concat(byte[]... parts) {
        int n = 0;
        for (byte[] p : parts) {
            n += p.length;
        }
        byte[] out = new byte[n];
        int at = 0;
        for (byte[] p : parts) {
            System.arraycopy(p, 0, out, at, p.length);
            at += p.length;
        }
        return out;
    }

    /** A bencoded dictionary of byte-string values: key, value, key, value ... */
    static byte[] dict(Object... keyValues) {
        Map<String, BValue> map = new LinkedHashMap<>();
        for (int i = 0; i < keyValues.length; i += 2) {
            Object v = keyValues[i + 1];
            map.put((String) keyValues[i], v instanceof BValue b ? b : new BString((byte[]) v));
        }
        return Bencode.encode(new BDict(map));
    }
}
