package io.btget.peer.ext.pex;

import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * Decides the {@code ut_pex} messages we send to one connected peer (BEP 11). Pure: no sockets, no clock (the
 * caller passes {@code System.nanoTime()}-style monotonic times). One instance per connection; thread-safe (its
 * methods are synchronized).
 *
 * <p>It remembers which contacts the recipient has been told about (the advertised set). Each call to
 * {@link #next} compares that with the current connected-peer set: contacts no longer connected go into
 * {@code dropped}, new ones into {@code added}. So the first message is the current set and later ones are diffs;
 * a peer that disconnects and reconnects between two messages is elided, as BEP 11 allows. Rules:
 * <ul>
 *   <li>at most one message per {@link #MIN_INTERVAL_NANOS} (BEP 11: no more than one message per minute);
 *   <li>at most {@link #MAX_ADDED_PER_MESSAGE} added and {@link #MAX_DROPPED_PER_MESSAGE} dropped contacts per
 *       message (BEP 11: 50 each); the rest wait for the next message, so the advertised set catches up;
 *   <li>never an empty message (BEP 11: a message holds at least one contact);
 *   <li>never the recipient's own address (IP and port), never port 0, never an address that
 *       {@link PexReceiver#canBePeer cannot be a peer};
 *   <li>an added contact is never dropped in the same message, and no list holds a duplicate (BEP 11);
 *   <li>a contact once added is dropped when it leaves the set (BEP 11: "once a peer has been added a client must
 *       ensure to send the corresponding dropped event"); the advertised set is bounded by
 *       {@link #MAX_ADVERTISED}, beyond which nothing new is added until drops have been sent.
 * </ul>
 */
public final class PexSender {
    /** BEP 11: "Clients must batch updates to send no more than 1 PEX message per minute." */
    public static final long MIN_INTERVAL_NANOS = 60_000_000_000L;

    /**
     * BEP 11: added v4 and v6 contacts together "should not exceed 50 entries" (except in the first message, which
     * we keep to 50 as well: the rest follows a minute later).
     */
    public static final int MAX_ADDED_PER_MESSAGE = 50;

    /** BEP 11: the same bound of 50 applies to dropped entries. */
    public static final int MAX_DROPPED_PER_MESSAGE = 50;

    /**
     * Contacts the recipient may have been told about and not yet told dropped. Bounds the memory per connection
     * whatever the churn; above any connection limit btget uses, so in practice every connected peer is advertised.
     */
    public static final int MAX_ADVERTISED = 500;

    private final Set<InetSocketAddress> recipient = new LinkedHashSet<>(); // guarded by this
    private final Map<InetSocketAddress, Integer> advertised = new LinkedHashMap<>(); // address -> flags; guarded by this
    private boolean sentAny; // guarded by this
    private long lastSentNanos; // guarded by this; meaningful once sentAny

    /**
     * @param recipient the address of the peer we send to (the connection's remote address); its listen address,
     *                  when learned later from {@code p} in its extended handshake, goes in via {@link #addRecipientAddress}
     */
    public PexSender(InetSocketAddress recipient) {
        addRecipientAddress(recipient);
    }

    /** Another address (IP and port) of the recipient, never to be sent to it. */
    public synchronized void addRecipientAddress(InetSocketAddress address) {
        this.recipient.add(Objects.requireNonNull(address, "address"));
    }

    /**
     * The message to send now, if any.
     *
     * @param connected the peers we are connected to now, with their listen address (the remote address of an
     *                  outgoing connection; for an incoming one, the IP with the port from its {@code p}, or leave it
     *                  out when unknown) and BEP 11 flags ({@link PexPeer#SEED}, {@link PexPeer#CONNECTABLE} for
     *                  outgoing connections, ...). Order matters only for which contacts go first when over 50.
     * @param nowNanos  a monotonic time in nanoseconds
     * @return the message to send, or empty when the last one was under a minute ago or nothing changed
     */
    public synchronized Optional<PexMessage> next(Collection<PexPeer> connected, long nowNanos) {
        if (sentAny && nowNanos - lastSentNanos < MIN_INTERVAL_NANOS) {
            return Optional.empty();
        }
        Map<InetSocketAddress, Integer> current = new LinkedHashMap<>();
        for (PexPeer peer : connected) {
            InetSocketAddress a = peer.address();
            if (a.getPort() != 0 && !recipient.contains(a) && PexReceiver.canBePeer(a.getAddress())) {
                current.putIfAbsent(a, peer.flags());
            }
        }
        List<InetSocketAddress> dropped = new ArrayList<>();
        for (Iterator<InetSocketAddress> it = advertised.keySet().iterator();
                it.hasNext() && dropped.size() < MAX_DROPPED_PER_MESSAGE; ) {
            InetSocketAddress a = it.next();
            // A contact that became the recipient's own address (learned late) is dropped too.
            if (!current.containsKey(a) || recipient.contains(a)) {
                dropped.add(a);
                it.remove();
            }
        }
        List<PexPeer> added = new ArrayList<>();
        for (Map.Entry<InetSocketAddress, Integer> e : current.entrySet()) {
            if (added.size() >= MAX_ADDED_PER_MESSAGE || advertised.size() >= MAX_ADVERTISED) {
                break;
            }
            // Not re-added when just dropped: BEP 11 forbids adding and dropping one contact in the same message.
            if (!advertised.containsKey(e.getKey()) && !dropped.contains(e.getKey())) {
                added.add(new PexPeer(e.getKey(), e.getValue()));
                advertised.put(e.getKey(), e.getValue());
            }
        }
        if (added.isEmpty() && dropped.isEmpty()) {
            return Optional.empty();
        }
        sentAny = true;
        lastSentNanos = nowNanos;
        return Optional.of(new PexMessage(added, dropped));
    }
}
