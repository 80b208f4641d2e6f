package io.btget.metainfo;

import io.btget.bencode.BDict;
import io.btget.bencode.BInt;
import io.btget.bencode.BList;
import io.btget.bencode.BString;
import io.btget.bencode.BValue;
import io.btget.bencode.Bencode;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Builds bencoded torrents for tests from plain Java values (String, Integer/Long, List, Map, byte[]). */
final class TestTorrents {
    private TestTorrents() {
    }

    static BValue b(Object o) {
        if (o instanceof BValue v) {
            return v;
        }
        if (o instanceof String s) {
            return BString.of(s);
        }
        if (o instanceof byte[] bytes) {
            return new BString(bytes);
        }
        if (o instanceof Number n) {
            return new BInt(n.longValue());
        }
        if (o instanceof List<?> l) {
            List<BValue> items = new ArrayList<>();
            l.forEach(i -> items.add(b(i)));
            return new BList(items);
        }
        if (o instanceof Map<?, ?> m) {
            Map<String, BValue> entries = new LinkedHashMap<>();
            m.forEach((k, v) -> entries.put((String) k, b(v)));
            return new BDict(entries);
        }
        throw new IllegalArgumentException("cannot bencode " + o);
    }

    static byte[] encode(Object o) {
        return Bencode.encode(b(o));
    }

    /** An ordered mutable map from key/value pairs. */
    static Map<String, Object> map(Object... kv) {
        Map<String, Object> m = new LinkedHashMap<>();
        for (int i = 0; i < kv.length; i += 2) {
            m.put((String) kv[i], kv[i + 1]);
        }
        return m;
    }

    /** A valid single-file info dictionary: 'name', length, 16 KiB pieces. */
    static Map<String, Object> singleInfo(String name, long length) {
        int pieceLength = 16384;
        int pieces = (int) ((length + pieceLength - 1) / pieceLength);
        return map("length", length, "name", name, "piece length", pieceLength, "pieces", new byte[pieces * 20]);
    }

    /** A valid multi-file info dictionary; files given as path-list/length pairs. */
    static Map<String, Object> multiInfo(String name, Object... pathAndLength) {
        List<Object> files = new ArrayList<>();
        long total = 0;
        for (int i = 0; i < pathAndLength.length; i += 2) {
            long length = ((Number) pathAndLength[i + 1]).longValue();
            files.add(map("length", length, "path", pathAndLength[i]));
            total += length;
        }
        int pieces = (int) ((total + 16383) / 16384);
        return map("files", files, "name", name, "piece length", 16384, "pieces", new byte[pieces * 20]);
    }

    static byte[] torrent(Map<String, Object> info, Object... topLevel) {
        Map<String, Object> top = map(topLevel);
        top.put("info", info);
        return encode(top);
    }
}
