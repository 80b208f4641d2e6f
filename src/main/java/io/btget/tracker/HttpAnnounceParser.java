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
 *
 * <p>Strict only where a wrong shape leaves nothing to use: the root must be a dictionary, {@code failure reason}
 * (when present) a string, {@code peers}/{@code peers6} a string of whole entries or a list. Every other field is
 * optional: {@code interval} missing, not an integer or negative becomes {@link #DEFAULT_INTERVAL_SECONDS};
 * {@code min interval}, {@code complete}, {@code incomplete}, {@code warning message}, {@code tracker id} of the
 * wrong bencode type are ignored with a debug line; fields we do not read ({@code downloaded},
 * {@code external ip}, ...) are never looked at. The {@link Announcer} bounds the intervals.
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

    /**
     * @throws TrackerException for {@code failure reason} (message "tracker failure: ...", a
     *                          {@linkplain TrackerException#isRefusal() refusal}) or a body with no usable shape
     */
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
        Optional<BValue> failure = dict.get("failure reason");
        if (failure.isPresent()) {
            if (!(failure.get() instanceof BString reason)) {
                throw new TrackerException("'failure reason' is a bencode " + failure.get().typeName()
                        + ", not a string");
            }
            throw TrackerException.refusal("tracker failure: " + TrackerException.printable(reason.text(), MAX_TEXT));
        }
        OptionalInt sentInterval = optionalInt(dict, "interval");
        int interval = sentInterval.isPresent() && sentInterval.getAsInt() >= 0 ? sentInterval.getAsInt()
                : DEFAULT_INTERVAL_SECONDS;
        int minInterval = nonNegative(optionalInt(dict, "min interval")).orElse(0);
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
        return new AnnounceResponse(interval, minInterval, peers, optionalText(dict, "warning message"),
                optionalText(dict, "tracker id"), nonNegative(optionalInt(dict, "complete")),
                nonNegative(optionalInt(dict, "incomplete")), List.copyOf(names));
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

    /** An optional string field; of another bencode type it is ignored (debug line), never fatal. */
    private static Optional<String> optionalText(BDict dict, String key) {
        Optional<BValue> v = dict.get(key);
        if (v.isEmpty()) {
            return Optional.empty();
        }
        if (!(v.get() instanceof BString s)) {
            log.debug("ignoring '{}' in a tracker reply: a bencode {}, not a string", key, v.get().typeName());
            return Optional.empty();
        }
        return Optional.of(TrackerException.printable(s.text(), MAX_TEXT));
    }

    /**
     * An optional integer field, clamped to the int range (a silly value must not fail the whole announce); of
     * another bencode type it is ignored (debug line).
     */
    private static OptionalInt optionalInt(BDict dict, String key) {
        Optional<BValue> v = dict.get(key);
        if (v.isEmpty()) {
            return OptionalInt.empty();
        }
        if (!(v.get() instanceof BInt i)) {
            log.debug("ignoring '{}' in a tracker reply: a bencode {}, not an integer", key, v.get().typeName());
            return OptionalInt.empty();
        }
        return OptionalInt.of((int) Math.max(Integer.MIN_VALUE, Math.min(Integer.MAX_VALUE, i.value())));
    }

    /** Negative counts and intervals become 0. */
    private static OptionalInt nonNegative(OptionalInt value) {
        return value.isPresent() ? OptionalInt.of(Math.max(0, value.getAsInt())) : value;
    }
}
