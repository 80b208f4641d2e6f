package io.btget.dht;

import java.io.ByteArrayOutputStream;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * A bencode writer for the hostile DHT tests that writes exactly what it is given, so that a test can build valid
 * KRPC packets and subtly broken ones alike without going through the codec under test. Values: String (UTF-8),
 * byte[], Number, List, Map (written in its iteration order), {@link Raw} (bytes written verbatim).
 */
final class EvilBen {
    private EvilBen() {
    }

    /** Bytes written verbatim, to put a malformed piece inside an otherwise valid packet. */
    record Raw(byte[] bytes) {
    }

    static byte[] encode(Object value) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        write(out, value);
        return out.toByteArray();
    }

    /** A dictionary with sorted keys (canonical, as a well-behaved client writes it). */
    static Map<String, Object> dict(Object... keysAndValues) {
        Map<String, Object> m = new TreeMap<>();
        for (int i = 0; i < keysAndValues.length; i += 2) {
            m.put((String) keysAndValues[i], keysAndValues[i + 1]);
        }
        return m;
    }

    /** A dictionary whose keys are written in the order given (duplicates and disorder allowed by the caller). */
    static Map<String, Object> ordered(Object... keysAndValues) {
        Map<String, Object> m = new LinkedHashMap<>();
        for (int i = 0; i < keysAndValues.length; i += 2) {
            m.put((String) keysAndValues[i], keysAndValues[i + 1]);
        }
        return m;
    }

    /** A KRPC query: {@code {t, y: q, q: method, a: args}}. */
    static byte[] query(byte[] tid, String method, Map<String, Object> args) {
        return encode(dict("t", tid, "y", "q", "q", method, "a", args));
    }

    /** A KRPC response: {@code {t, y: r, r: values}}. */
    static byte[] response(byte[] tid, Map<String, Object> values) {
        return encode(dict("t", tid, "y", "r", "r", values));
    }

    /** BEP 5 compact node info: 20-byte id, IPv4 address, port, network order. */
    static byte[] compactNode(byte[] id, InetSocketAddress address) {
        return ByteBuffer.allocate(26).put(id).put(address.getAddress().getAddress())
                .putShort((short) address.getPort()).array();
    }

    static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.ISO_8859_1);
    }

    private static void write(ByteArrayOutputStream out, Object v) {
        if (v instanceof Raw r) {
            out.writeBytes(r.bytes());
        } else if (v instanceof String s) {
            writeString(out, s.getBytes(StandardCharsets.UTF_8));
        } else if (v instanceof byte[] b) {
            writeString(out, b);
        } else if (v instanceof Number n) {
            out.writeBytes(ascii("i" + n.longValue() + "e"));
        } else if (v instanceof List<?> l) {
            out.write('l');
            l.forEach(item -> write(out, item));
            out.write('e');
        } else if (v instanceof Map<?, ?> m) {
            out.write('d');
            m.forEach((k, val) -> {
                writeString(out, ((String) k).getBytes(StandardCharsets.ISO_8859_1));
                write(out, val);
            });
            out.write('e');
        } else {
            throw new IllegalArgumentException("cannot bencode " + v);
        }
    }

    private static void writeString(ByteArrayOutputStream out, byte[] b) {
        out.writeBytes(ascii(b.length + ":"));
        out.writeBytes(b);
    }
}
