package io.btget.peer.ext.pex;

import io.btget.peer.WireException;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * Judges the {@code ut_pex} messages one connected peer sends us (BEP 11). Pure: no sockets, no clock (the caller
 * passes {@code System.nanoTime()}-style monotonic times). One instance per connection; thread-safe (its methods
 * are synchronized), so the reader thread and a thread that learns our addresses may share it.
 *
 * <p>Per message it returns a {@link Verdict}: {@link Flood} when the peer sends more than
 * {@link #MAX_MESSAGES_PER_WINDOW} messages within {@link #FLOOD_WINDOW_NANOS} (the caller drops the peer: BEP 11
 * "clients may disconnect peers that egregiously violate these constraints"), else {@link Accepted} with the usable
 * contacts. A contact is refused (silently; counted in {@link Accepted#refused()}) when it is
 * <ul>
 *   <li>one of our own addresses (our listen address, and the one peers report as {@code yourip} with our port);
 *   <li>port 0, which nobody can listen on;
 *   <li>an address that cannot be a peer: unspecified ({@code 0.0.0.0/8}, {@code ::}), multicast ({@code 224.0.0.0/4},
 *       {@code ff00::/8}), reserved {@code 240.0.0.0/4} including the broadcast {@code 255.255.255.255};
 *   <li>a duplicate within the message (BEP 11: lists must not contain duplicates), or both added and dropped in it
 *       (BEP 11: an added contact must not be dropped in the same message);
 *   <li>past {@link #MAX_ACCEPTED_PER_MESSAGE} accepted added contacts.
 * </ul>
 * Loopback and private addresses are accepted: tests and LAN swarms run there (libtorrent accepts them only from a
 * peer that is itself local; that choice is left to the caller, which knows the sender's address). Whether this is
 * a private torrent (BEP 27: no PEX at all) is also the caller's check, before anything reaches this class.
 */
public final class PexReceiver {
    /**
     * Messages tolerated within {@link #FLOOD_WINDOW_NANOS}. BEP 11 asks senders for at most one a minute; a
     * rate-limited connection may deliver several queued messages back to back, so libtorrent allows six a minute
     * before it disconnects a peer. We do the same.
     */
    public static final int MAX_MESSAGES_PER_WINDOW = 6;

    /** The sliding window for {@link #MAX_MESSAGES_PER_WINDOW}: one minute (BEP 11's one message per minute). */
    public static final long FLOOD_WINDOW_NANOS = 60_000_000_000L;

    /**
     * Added contacts accepted from one message. BEP 11 allows more than 50 only in the first message; libtorrent's
     * first message holds at most 100. More from one source would let one peer fill our candidate list (BEP 11
     * Security Considerations: avoid taking all candidates from a single PEX source).
     */
    public static final int MAX_ACCEPTED_PER_MESSAGE = 100;

    /** What to do with one received message. */
    public sealed interface Verdict permits Accepted, Flood {
    }

    /**
     * The message is acceptable.
     *
     * @param added   usable contacts with their flags, in message order, at most {@link #MAX_ACCEPTED_PER_MESSAGE};
     *                they enter the known-peer list with source PEX
     * @param dropped contacts the peer says it disconnected from (a hint: never a reason to disconnect them ourselves)
     * @param refused how many contacts (added and dropped) were refused by the rules above
     */
    public record Accepted(List<PexPeer> added, List<InetSocketAddress> dropped, int refused) implements Verdict {
        public Accepted {
            added = List.copyOf(added);
            dropped = List.copyOf(dropped);
        }
    }

    /**
     * The peer floods us with PEX messages: drop the connection.
     *
     * @param reason one line for the log, e.g. "7 ut_pex messages within 60 s (limit 6)"
     */
    public record Flood(String reason) implements Verdict {
    }

    private final Set<InetSocketAddress> ownAddresses = new LinkedHashSet<>(); // guarded by this
    private final long[] recent = new long[MAX_MESSAGES_PER_WINDOW]; // receive times, ring buffer; guarded by this
    private int received; // messages counted so far, saturating at recent.length; guarded by this
    private int next; // ring index of the oldest entry once full; guarded by this

    /** @param ownAddresses our listen address(es): contacts equal to one of these (IP and port) are refused */
    public PexReceiver(Set<InetSocketAddress> ownAddresses) {
        ownAddresses.forEach(this::addOwnAddress);
    }

    /** Adds an address that is ours, e.g. {@code yourip} from a peer's extended handshake with our listen port. */
    public synchronized void addOwnAddress(InetSocketAddress address) {
        ownAddresses.add(Objects.requireNonNull(address, "address"));
    }

    /**
     * Decodes and judges one {@code ut_pex} payload. The flood count is taken first, so a flood is detected without
     * decoding.
     *
     * @throws WireException when the payload cannot be decoded ({@link PexMessage#decode}): drop the peer
     */
    public synchronized Verdict receive(byte[] payload, long nowNanos) throws WireException {
        Flood flood = count(nowNanos);
        if (flood != null) {
            return flood;
        }
        return judge(PexMessage.decode(payload));
    }

    /** Judges an already decoded message; counts it towards the flood limit like {@link #receive}. */
    public synchronized Verdict receive(PexMessage message, long nowNanos) {
        Flood flood = count(nowNanos);
        return flood != null ? flood : judge(message);
    }

    private Flood count(long nowNanos) {
        if (received == recent.length && nowNanos - recent[next] < FLOOD_WINDOW_NANOS) {
            return new Flood((MAX_MESSAGES_PER_WINDOW + 1) + " ut_pex messages within "
                    + FLOOD_WINDOW_NANOS / 1_000_000_000L + " s (limit " + MAX_MESSAGES_PER_WINDOW + ")");
        }
        recent[next] = nowNanos;
        next = (next + 1) % recent.length;
        received = Math.min(received + 1, recent.length);
        return null;
    }

    private Accepted judge(PexMessage message) {
        int refused = 0;
        Set<InetSocketAddress> droppedSet = new LinkedHashSet<>(message.dropped());
        Set<InetSocketAddress> addedSeen = new LinkedHashSet<>();
        for (PexPeer p : message.added()) {
            addedSeen.add(p.address());
        }
        List<PexPeer> added = new ArrayList<>();
        Set<InetSocketAddress> taken = new LinkedHashSet<>();
        for (PexPeer peer : message.added()) {
            InetSocketAddress a = peer.address();
            if (added.size() >= MAX_ACCEPTED_PER_MESSAGE || !usable(a) || droppedSet.contains(a) || !taken.add(a)) {
                refused++;
                continue;
            }
            added.add(peer);
        }
        List<InetSocketAddress> dropped = new ArrayList<>();
        Set<InetSocketAddress> droppedTaken = new LinkedHashSet<>();
        for (InetSocketAddress a : message.dropped()) {
            if (!usable(a) || addedSeen.contains(a) || !droppedTaken.add(a)) {
                refused++;
                continue;
            }
            dropped.add(a);
        }
        return new Accepted(added, dropped, refused);
    }

    private boolean usable(InetSocketAddress a) {
        return a.getPort() != 0 && !ownAddresses.contains(a) && canBePeer(a.getAddress());
    }

    /**
     * Whether an address can be a peer's: not unspecified ({@code 0.0.0.0/8}, {@code ::}), not multicast, not in the
     * reserved {@code 240.0.0.0/4} (which holds the limited broadcast {@code 255.255.255.255}). Loopback, link-local
     * and private addresses can.
     */
    public static boolean canBePeer(InetAddress address) {
        if (address.isAnyLocalAddress() || address.isMulticastAddress()) {
            return false;
        }
        if (address instanceof Inet4Address) {
            int first = address.getAddress()[0] & 0xFF;
            return first != 0 && first < 240;
        }
        return true;
    }
}
