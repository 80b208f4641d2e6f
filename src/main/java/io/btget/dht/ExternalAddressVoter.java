package io.btget.dht;

import java.net.InetAddress;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Optional;

/**
 * Decides our external address from what others tell us (BEP 42: a node takes a secure id for its external
 * address), so that no small group of hosts can choose it for us. Pure: the caller passes the clock.
 *
 * <p>Rules: only public addresses ({@link SecureNodeId#applies}) count. Each voter (an IP address) backs one
 * address at a time, its latest; a vote lasts {@link DhtLimits#EXTERNAL_VOTE_WINDOW_NANOS}. The {@code ip} of a
 * DHT response to one of our own queries weighs {@link #DHT_WEIGHT}, a peer's BEP 10 {@code yourip} only
 * {@link #YOURIP_WEIGHT} (we chose whom we queried; any peer can connect to us). An address is decided when its
 * weight reaches {@link DhtLimits#EXTERNAL_ADDRESS_VOTES} DHT responses' worth, at least one of them a DHT
 * response, and it holds a clear majority (at least {@link #MAJORITY_NUMERATOR}/{@link #MAJORITY_DENOMINATOR} of
 * all live weight). Once decided, it changes at most once per {@link DhtLimits#EXTERNAL_ADDRESS_SWITCH_NANOS}
 * (libtorrent's ip voter does not flip-flop either): votes cannot make us rebuild the table again and again.
 *
 * <p>Not thread-safe: the DHT node confines it to its thread.
 */
public final class ExternalAddressVoter {
    /** Weight of the {@code ip} in a DHT response to our query. */
    public static final int DHT_WEIGHT = 2;
    /** Weight of a peer's BEP 10 {@code yourip}: half a DHT response's. */
    public static final int YOURIP_WEIGHT = 1;
    /** A clear majority: the winner holds at least 2/3 of the live weight. */
    static final int MAJORITY_NUMERATOR = 2;
    static final int MAJORITY_DENOMINATOR = 3;

    private record Vote(InetAddress external, int weight, long atNanos) {
    }

    /** voter IP -> its latest vote; bounded by {@link DhtLimits#EXTERNAL_ADDRESS_VOTERS}, oldest dropped. */
    private final LinkedHashMap<InetAddress, Vote> votes = new LinkedHashMap<>();
    private InetAddress decided;
    private long decidedAt;

    /**
     * {@code voter} says we are at {@code external}, from a DHT response to our query ({@code dhtResponse}) or a
     * peer's yourip. Returns the address when this vote makes it our newly decided external address.
     */
    public Optional<InetAddress> vote(InetAddress external, InetAddress voter, boolean dhtResponse, long nowNanos) {
        if (external == null || voter == null || !SecureNodeId.applies(external)) {
            return Optional.empty();
        }
        expire(nowNanos);
        int weight = dhtResponse ? DHT_WEIGHT : YOURIP_WEIGHT;
        Vote old = votes.remove(voter);
        if (old != null && old.external().equals(external)) {
            weight = Math.max(weight, old.weight());
        }
        if (votes.size() >= DhtLimits.EXTERNAL_ADDRESS_VOTERS) {
            votes.remove(votes.keySet().iterator().next());
        }
        votes.put(voter, new Vote(external, weight, nowNanos));
        if (external.equals(decided)) {
            return Optional.empty();
        }
        if (decided != null && nowNanos - decidedAt < DhtLimits.EXTERNAL_ADDRESS_SWITCH_NANOS) {
            return Optional.empty();
        }
        int total = 0;
        int mine = 0;
        boolean anyDht = false;
        for (Vote v : votes.values()) {
            total += v.weight();
            if (v.external().equals(external)) {
                mine += v.weight();
                anyDht |= v.weight() >= DHT_WEIGHT;
            }
        }
        if (!anyDht || mine < DhtLimits.EXTERNAL_ADDRESS_VOTES * DHT_WEIGHT
                || (long) mine * MAJORITY_DENOMINATOR < (long) total * MAJORITY_NUMERATOR) {
            return Optional.empty();
        }
        decided = external;
        decidedAt = nowNanos;
        votes.clear(); // a fresh count for any later change
        return Optional.of(external);
    }

    /** The decided external address, if any. */
    public Optional<InetAddress> decided() {
        return Optional.ofNullable(decided);
    }

    private void expire(long nowNanos) {
        for (Iterator<Vote> it = votes.values().iterator(); it.hasNext(); ) {
            if (nowNanos - it.next().atNanos() >= DhtLimits.EXTERNAL_VOTE_WINDOW_NANOS) {
                it.remove();
            }
        }
    }
}
