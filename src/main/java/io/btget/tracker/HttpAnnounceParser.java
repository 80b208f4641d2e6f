package io.btget.tracker;

import io.btget.bencode.BDict;
import io.btget.bencode.BInt;
import io.btget.bencode.BList;
import io.btget.bencode.BString;
import io.btget.bencode.BValue;
import io.btget.bencode.Bencode;
import io.btget.bencode.BencodeException;
import io.btget.bencode.BencodeLimits;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * Turns the body of an HTTP tracker's announce reply (BEP 3) into an {@link AnnounceResponse}. Pure: bytes in,
 * record out. Understands compact peers (BEP 23), dictionary peers (BEP 3) and {@code peers6} (BEP 7).
 */
public final class HttpAnnounceParser {
    /** Used when a tracker forgets {@code interval}; the Announcer clamps it anyway. */
    public static final int DEFAULT_INTERVAL_SECONDS = 1800;
    private static final int MAX_TEXT = 200;

    private HttpAnnounceParser() {
    }

    /** @throws TrackerException for {@code failure reason} (message "tracker failure: ...") or malformed bodies */
    public static AnnounceResponse parse(byte[] body) throws TrackerException {
        BValue root;
        try {
            root = Bencode.decode(body, BencodeLimits.NETWORK);
        } catch (BencodeException e) {
            throw new TrackerException("reply is not valid bencode (" + e.getMessage() + ")", e);
        }
        if (!(root instanceof BDict dict)) {
            throw new TrackerException("reply is a bencode " + root.typeName() + ", not a dictionary");
        }
        Optional<String> failure = text(dict, "failure reason");
        if (failure.isPresent()) {
            throw new TrackerException("tracker failure: " + failure.get());
        }
        int interval = nonNegativeInt(dict, "interval").orElse(DEFAULT_INTERVAL_SECONDS);
        int minInterval = nonNegativeInt(dict, "min interval").orElse(0);
        List<InetSocketAddress> peers = new ArrayList<>();
        Optional<BValue> peersValue = dict.get("peers");
        if (peersValue.isPresent()) {
            BValue v = peersValue.get();
            if (v instanceof BString compact) {
                byte[] b = compact.bytes();
                peers.addAll(CompactPeers.decode(b, 0, b.length, CompactPeers.IPV4_ENTRY));
            } else if (v instanceof BList list) {
                peers.addAll(dictionaryPeers(list));
            } else {
                throw new TrackerException("'peers' is a bencode " + v.typeName());
            }
        }
        Optional<BValue> peers6 = dict.get("peers6");
        if (peers6.isPresent()) {
            if (!(peers6.get() instanceof BString compact6)) {
                throw new TrackerException("'peers6' is a bencode " + peers6.get().typeName());
            }
            byte[] b = compact6.bytes();
            peers.addAll(CompactPeers.decode(b, 0, b.length, CompactPeers.IPV6_ENTRY));
        }
        if (peers.size() > CompactPeers.MAX_PEERS) {
            peers = peers.subList(0, CompactPeers.MAX_PEERS);
        }
        return new AnnounceResponse(interval, minInterval, peers, text(dict, "warning message"),
                text(dict, "tracker id"), nonNegativeInt(dict, "complete"), nonNegativeInt(dict, "incomplete"));
    }

    /** BEP 3 dictionary model: {@code ip} (a literal; host names are skipped, never resolved) and {@code port}. */
    private static List<InetSocketAddress> dictionaryPeers(BList list) throws TrackerException {
        List<InetSocketAddress> peers = new ArrayList<>();
        for (BValue item : list.items()) {
            if (peers.size() >= CompactPeers.MAX_PEERS) {
                break;
            }
            if (!(item instanceof BDict peer)) {
                throw new TrackerException("peer list entry is a bencode " + item.typeName());
            }
            Optional<InetAddress> ip = text(peer, "ip").flatMap(IpLiterals::parse);
            OptionalInt port = nonNegativeInt(peer, "port");
            if (ip.isPresent() && port.isPresent() && port.getAsInt() >= 1 && port.getAsInt() <= 65535) {
                peers.add(new InetSocketAddress(ip.get(), port.getAsInt()));
            }
        }
        return peers;
    }

    private static Optional<String> text(BDict dict, String key) throws TrackerException {
        Optional<BValue> v = dict.get(key);
        if (v.isEmpty()) {
            return Optional.empty();
        }
        if (!(v.get() instanceof BString s)) {
            throw new TrackerException("'" + key + "' is a bencode " + v.get().typeName() + ", not a string");
        }
        return Optional.of(TrackerException.printable(s.text(), MAX_TEXT));
    }

    /** Integers outside 0..Integer.MAX_VALUE are clamped: a silly value must not fail the whole announce. */
    private static OptionalInt nonNegativeInt(BDict dict, String key) throws TrackerException {
        Optional<BValue> v = dict.get(key);
        if (v.isEmpty()) {
            return OptionalInt.empty();
        }
        if (!(v.get() instanceof BInt i)) {
            throw new TrackerException("'" + key + "' is a bencode " + v.get().typeName() + ", not an integer");
        }
        return OptionalInt.of((int) Math.max(0, Math.min(Integer.MAX_VALUE, i.value())));
    }
}
