package io.btget.hostile;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A bencode writer for hostile tests: writes exactly what it is given (keys in the given order, no checks), so a
 * test can build well-formed and subtly malformed torrents alike. Values: String, byte[], Number, List, Map, Raw.
 */
final class Ben {
    private Ben() {
    }

    /** Bytes written verbatim (for malformed pieces inside an otherwise valid structure). */
    record Raw(byte[] bytes) {
        static Raw of(String ascii) {
            return new Raw(ascii.getBytes(StandardCharsets.ISO_8859_1));
        }
    }

    static byte[] encode(Object value) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        write(out, value);
        return out.toByteArray();
    }

    private static void write(ByteArrayOutputStream out, Object v) {
        if (v instanceof Raw r) {
            out.writeBytes(r.bytes());
        } else if (v instanceof String s) {
            writeString(out, s.getBytes(StandardCharsets.UTF_8));
        } else if (v instanceof byte[] b) {
            writeString(out, b);
        } else if (v instanceof Number n) {
            out.writeBytes(("i" + n.longValue() + "e").getBytes(StandardCharsets.US_ASCII));
        } else if (v instanceof List<?> l) {
            out.write('l');
            l.forEach(i -> write(out, i));
            out.write('e');
        } else if (v instanceof Map<?, ?> m) {
            out.write('d');
            m.forEach((k, val) -> {
                writeString(out, ((String) k).getBytes(StandardCharsets.UTF_8));
                write(out, val);
            });
            out.write('e');
        } else {
            throw new IllegalArgumentException("cannot bencode " + v);
        }
    }

    private static void writeString(ByteArrayOutputStream out, byte[] b) {
        out.writeBytes((b.length + ":").getBytes(StandardCharsets.US_ASCII));
        out.writeBytes(b);
    }

    /** An ordered mutable map from key/value pairs. */
    static Map<String, Object> map(Object... kv) {
        Map<String, Object> m = new LinkedHashMap<>();
        for (int i = 0; i < kv.length; i += 2) {
            m.put((String) kv[i], kv[i + 1]);
        }
        return m;
    }
}
