package io.btget.metainfo;

import io.btget.bencode.BInt;
import io.btget.bencode.BList;
import io.btget.bencode.BString;
import io.btget.bencode.BValue;
import io.btget.bencode.Bencode;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * Writes a {@link Torrent} as a normal .torrent file (BEP 3), for {@code --save-torrent} after a magnet's metadata
 * was fetched and for the metadata store. The info dictionary is copied byte for byte from
 * {@link Torrent#infoBytes()}, never re-encoded, so the file's info hash is the torrent's. Around it:
 * {@code announce} (the first tracker of the first tier), {@code announce-list} (every BEP 12 tier, written only
 * when there is more than one tracker), {@code url-list} (BEP 19) and the comment, creator and creation date when
 * the torrent has them. Keys are written in the sorted order canonical bencode requires.
 */
public final class TorrentFileWriter {
    private TorrentFileWriter() {
    }

    /** The bytes of a .torrent that {@link TorrentParser#parse} reads back to the same info hash and trackers. */
    public static byte[] write(Torrent torrent) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(torrent.infoBytes().length + 1024);
        out.write('d');
        List<List<String>> tiers = torrent.trackerTiers();
        if (!tiers.isEmpty()) {
            entry(out, "announce", BString.of(tiers.get(0).get(0)));
            if (tiers.size() > 1 || tiers.get(0).size() > 1) {
                entry(out, "announce-list", new BList(tiers.stream()
                        .<BValue>map(t -> new BList(t.stream().<BValue>map(BString::of).toList())).toList()));
            }
        }
        torrent.comment().ifPresent(c -> entry(out, "comment", BString.of(c)));
        torrent.createdBy().ifPresent(c -> entry(out, "created by", BString.of(c)));
        torrent.creationDate().ifPresent(d -> entry(out, "creation date", new BInt(d)));
        key(out, "info");
        out.writeBytes(torrent.infoBytes());
        if (!torrent.webSeeds().isEmpty()) {
            entry(out, "url-list", new BList(torrent.webSeeds().stream().<BValue>map(BString::of).toList()));
        }
        out.write('e');
        return out.toByteArray();
    }

    private static void entry(ByteArrayOutputStream out, String key, BValue value) {
        key(out, key);
        Bencode.encode(value, out);
    }

    private static void key(ByteArrayOutputStream out, String key) {
        Bencode.encode(new BString(key.getBytes(StandardCharsets.UTF_8)), out);
    }
}
