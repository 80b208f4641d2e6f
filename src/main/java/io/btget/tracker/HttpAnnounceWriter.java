package io.btget.tracker;

import io.btget.bencode.BDict;
import io.btget.bencode.BInt;
import io.btget.bencode.BList;
import io.btget.bencode.BString;
import io.btget.bencode.BValue;
import io.btget.bencode.Bencode;
import java.net.Inet4Address;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Encodes HTTP tracker replies (BEP 3, 7, 23): the server's half of {@link HttpAnnounceParser}. */
public final class HttpAnnounceWriter {
    /** A peer as the dictionary model lists it; the peer id may be absent (BEP 23 {@code no_peer_id}). */
    public record ListedPeer(InetSocketAddress address, byte[] peerId) {
    }

    private HttpAnnounceWriter() {
    }

    /**
     * @param compact true: IPv4 peers as a BEP 23 string plus BEP 7 {@code peers6}; false: the BEP 3 list of dictionaries
     */
    public static byte[] announce(int interval, int minInterval, int seeders, int leechers, List<ListedPeer> peers,
                                  boolean compact) {
        Map<String, BValue> root = new LinkedHashMap<>();
        root.put("interval", new BInt(interval));
        if (minInterval > 0) {
            root.put("min interval", new BInt(minInterval));
        }
        root.put("complete", new BInt(seeders));
        root.put("incomplete", new BInt(leechers));
        if (compact) {
            List<InetSocketAddress> addresses = peers.stream().map(ListedPeer::address).toList();
            root.put("peers", new BString(CompactPeers.encode(addresses, CompactPeers.IPV4_ENTRY)));
            byte[] six = CompactPeers.encode(addresses, CompactPeers.IPV6_ENTRY);
            if (six.length > 0) {
                root.put("peers6", new BString(six));
            }
        } else {
            List<BValue> list = new ArrayList<>();
            for (ListedPeer p : peers) {
                Map<String, BValue> entry = new LinkedHashMap<>();
                String ip = p.address().getAddress().getHostAddress();
                entry.put("ip", BString.of(p.address().getAddress() instanceof Inet4Address ? ip : stripScope(ip)));
                entry.put("port", new BInt(p.address().getPort()));
                if (p.peerId() != null) {
                    entry.put("peer id", new BString(p.peerId()));
                }
                list.add(new BDict(entry));
            }
            root.put("peers", new BList(list));
        }
        return Bencode.encode(new BDict(root));
    }

    public static byte[] failure(String reason) {
        return Bencode.encode(new BDict(Map.of("failure reason", BString.of(reason))));
    }

    /** One scrape entry per info hash (BEP 48 field names). */
    public record ScrapeEntry(byte[] infoHash, int complete, int downloaded, int incomplete) {
    }

    public static byte[] scrape(List<ScrapeEntry> entries) {
        Map<String, BValue> files = new LinkedHashMap<>();
        for (ScrapeEntry e : entries) {
            files.put(BDict.key(e.infoHash()), new BDict(Map.of(
                    "complete", new BInt(e.complete()),
                    "downloaded", new BInt(e.downloaded()),
                    "incomplete", new BInt(e.incomplete()))));
        }
        return Bencode.encode(new BDict(Map.of("files", new BDict(files))));
    }

    private static String stripScope(String ip) {
        int percent = ip.indexOf('%');
        return percent < 0 ? ip : ip.substring(0, percent);
    }

}
