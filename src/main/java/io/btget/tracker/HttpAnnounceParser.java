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
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns the body of an HTTP tracker's announce reply (BEP 3) into an {@link AnnounceResponse}. Pure: bytes in,
 * record out. Understands compact peers (BEP 23), dictionary peers (BEP 3, with an IP literal or a DNS name) and
 * {@code peers6} (BEP 7).
 */
public final class HttpAnnounceParser {
    /** Used when a tracker forgets {@code interval}; the Announcer clamps it anyway. */
    public static final int DEFAULT_INTERVAL_SECONDS = 1800;
    /** DNS names taken from one reply; the rest are skipped. Each costs a lookup, so a tracker gets only a few. */
    public static final int MAX_PEER_NAMES = 50;
    private static final int MAX_TEXT = 200;
    private static final Logger log = LoggerFactory.getLogger(HttpAnnounceParser.class);

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
            throw TrackerException.hard("tracker failure: " + failure.get());
        }
        int interval = nonNegativeInt(dict, "interval").orElse(DEFAULT_INTERVAL_SECONDS);
        int minInterval = nonNegativeInt(dict, "min interval").orElse(0);
        List<InetSocketAddress> peers = new ArrayList<>();
        Set<InetSocketAddress> names = new LinkedHashSet<>();
        Optional<BValue> peersValue = dict.get("peers");
        if (peersValue.isPresent()) {
            BValue v = peersValue.get();
            if (v instanceof BString compact) {
                byte[] b = compact.bytes();
                peers.addAll(CompactPeers.decode(b, 0, b.length, CompactPeers.IPV4_ENTRY));
            } else if (v instanceof BList list) {
                dictionaryPeers(list, peers, names);
            } else {
                throw new TrackerException("'peers' is a bencode " + v.typeName());
            }
        }
        Optional<BValue> peers6 = dict.get("peers6");
        if (peers6.isPresent()) {
            if (peers6.get() instanceof BString compact6) {
                byte[] b = compact6.bytes();
                peers.addAll(CompactPeers.decode(b, 0, b.length, CompactPeers.IPV6_ENTRY));
            } else if (peers6.get() instanceof BList list) {
                dictionaryPeers(list, peers, names); // not BEP 7, but some trackers send the dictionary model here
            } else {
                throw new TrackerException("'peers6' is a bencode " + peers6.get().typeName());
            }
        }
        if (peers.size() > CompactPeers.MAX_PEERS) {
            peers = peers.subList(0, CompactPeers.MAX_PEERS);
        }
        return new AnnounceResponse(interval, minInterval, peers, text(dict, "warning message"),
                text(dict, "tracker id"), nonNegativeInt(dict, "complete"), nonNegativeInt(dict, "incomplete"),
                List.copyOf(names));
    }

    /**
     * BEP 3 dictionary model: each entry has {@code ip} (an IPv4 or IPv6 literal, or a DNS name) and {@code port};
     * {@code peer id} may be present or absent and is not used. Junk entries (not a dictionary, no or bad
     * {@code ip}, a port outside 1..65535) are skipped with a debug line: one bad entry never costs the others.
     * DNS names are returned unresolved, at most {@link #MAX_PEER_NAMES} per reply.
     */
    private static void dictionaryPeers(BList list, List<InetSocketAddress> peers, Set<InetSocketAddress> names) {
        int skipped = 0;
        String firstReason = null;
        for (BValue item : list.items()) {
            if (peers.size() + names.size() >= CompactPeers.MAX_PEERS) {
                break;
            }
            String reason = dictionaryPeer(item, peers, names);
            if (reason != null) {
                skipped++;
                firstReason = firstReason == null ? reason : firstReason;
            }
        }
        if (skipped > 0) {
            log.debug("skipped {} of {} peer entries in a tracker reply (first: {})", skipped, list.items().size(),
                    firstReason);
        }
    }

    /** Adds one entry to {@code peers} or {@code names}; returns why it was skipped, or null. */
    private static String dictionaryPeer(BValue item, List<InetSocketAddress> peers, Set<InetSocketAddress> names) {
        if (!(item instanceof BDict peer)) {
            return "an entry is a bencode " + item.typeName();
        }
        if (!(peer.get("ip").orElse(null) instanceof BString ipValue)) {
            return "an entry has no 'ip' string";
        }
        if (!(peer.get("port").orElse(null) instanceof BInt portValue)
                || portValue.value() < 1 || portValue.value() > 65535) {
            return "an entry has no port in 1..65535";
        }
        int port = (int) portValue.value();
        String ip = ipValue.text().trim();
        Optional<InetAddress> literal = IpLiterals.parse(ip);
        if (literal.isPresent()) {
            peers.add(new InetSocketAddress(literal.get(), port));
            return null;
        }
        if (!HostNames.isValid(ip)) {
            return "bad ip '" + TrackerException.printable(ip, 60) + "'";
        }
        if (names.size() >= MAX_PEER_NAMES) {
            return "more than " + MAX_PEER_NAMES + " host names";
        }
        names.add(InetSocketAddress.createUnresolved(ip.toLowerCase(java.util.Locale.ROOT), port));
        return null;
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
