package io.btget.peer;

import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Random;
import java.util.Set;

/**
 * Decides which peers we upload to (BEP 3 "choking"): tit-for-tat plus one optimistic unchoke.
 *
 * <p>Call {@link #rechoke} every {@link #RECHOKE_INTERVAL_MILLIS} (and, if you like, when a peer leaves or becomes
 * interested while a slot is free). It unchokes the {@code maxUploads - 1} best interested peers. While
 * downloading, those are the peers that sent us the most in the last period (reciprocation; snubbed peers are left
 * out). While seeding there is nothing to reciprocate, so the regular slots go round robin (libtorrent's default
 * {@code seed_choking_algorithm}): a peer keeps its slot until it has had its turn (at least one rechoke period and
 * {@code seedQuotaBytes}), then the interested peer that has waited longest since its last unchoke gets the slot.
 * Ranking a seeder's slots by upload rate instead ("fastest upload") keeps feeding the peers that are already
 * ahead: in a swarm the stragglers then wait for the optimistic slot and the last leecher finishes late, and the
 * fresh pieces the seeder sends reach only a few leechers to trade. A lone downloader is never rotated out (no one
 * waits), so this costs nothing on a one-to-one transfer. While downloading, peers that sent us the same (in
 * practice: nothing, a newcomer or a straggler with no piece we lack) share the regular slots left over by the
 * same round robin, as libtorrent's unchoker breaks such ties, instead of the oldest connections holding them.
 *
 * <p>One more slot goes to an optimistic unchoke, kept for {@link #OPTIMISTIC_INTERVAL_MILLIS} and then moved to
 * another interested peer, so newcomers get a chance to prove themselves; peers connected within the last
 * optimistic interval are three times as likely to be chosen (BEP 3).
 *
 * <p>Pure logic: it sees peers only through {@link Candidate} snapshots. Thread-safe (its one piece of state, the
 * current optimistic peer, is guarded by this object). Peers are compared by identity.
 *
 * @param <P> the caller's peer handle
 */
public final class Choker<P> {
    public static final long RECHOKE_INTERVAL_MILLIS = 10_000;
    public static final long OPTIMISTIC_INTERVAL_MILLIS = 30_000;
    /** BEP 3: a newly connected peer is three times as likely to be the optimistic unchoke. */
    static final int NEW_PEER_WEIGHT = 3;
    /**
     * While seeding, a peer holds a round-robin slot at least this long before it can be rotated out: one rechoke
     * period, so every turn moves a useful amount. libtorrent waits one minute and 20 pieces; a 64 MiB swarm on
     * 20 Mbit/s links is over in well under a minute, where that rule never rotates at all.
     */
    static final long MIN_SEED_TURN_MILLIS = RECHOKE_INTERVAL_MILLIS;
    /** Marks a peer never unchoked in {@link Candidate#lastUnchokedMillis}: it has waited longest of all. */
    public static final long NEVER = Long.MIN_VALUE;

    /**
     * One connected peer as the choker sees it.
     *
     * @param peer                 the caller's handle
     * @param interested           the peer is interested in us (only interested peers get unchoked)
     * @param downloadedFromPeer   bytes of piece data it sent us during the last rechoke period
     * @param uploadedToPeer       bytes of piece data we sent it during the last rechoke period
     * @param connectedAtMillis    when the connection was established, on the same clock as {@code nowMillis}
     * @param snubbed              it has sent us nothing for a while although we are waiting on requests
     * @param unchoked             we are not choking it now
     * @param uploadedSinceUnchoke bytes of piece data we sent it since we last unchoked it (0 while choked)
     * @param lastUnchokedMillis   when we last unchoked it, or {@link #NEVER}
     */
    public record Candidate<P>(P peer, boolean interested, long downloadedFromPeer, long uploadedToPeer,
            long connectedAtMillis, boolean snubbed, boolean unchoked, long uploadedSinceUnchoke,
            long lastUnchokedMillis) {

        /** A peer that is choked and was never unchoked. */
        public Candidate(P peer, boolean interested, long downloadedFromPeer, long uploadedToPeer,
                long connectedAtMillis, boolean snubbed) {
            this(peer, interested, downloadedFromPeer, uploadedToPeer, connectedAtMillis, snubbed, false, 0, NEVER);
        }
    }

    private final int maxUploads;
    private final long seedQuotaBytes;
    private final Random rng;
    private P optimistic;
    private long optimisticSinceMillis;

    /**
     * @param maxUploads peers unchoked at once, the optimistic one included (at least 1; BEP 3 suggests 4)
     * @param rng        chooses the optimistic unchoke
     */
    public Choker(int maxUploads, Random rng) {
        this(maxUploads, 0, rng);
    }

    /**
     * @param maxUploads     peers unchoked at once, the optimistic one included (at least 1; BEP 3 suggests 4)
     * @param seedQuotaBytes while seeding, what a peer receives in one round-robin turn before it can be rotated
     *                       out (besides {@link #MIN_SEED_TURN_MILLIS}); a few pieces, so a turn ends on whole
     *                       pieces more often than not
     * @param rng            chooses the optimistic unchoke
     */
    public Choker(int maxUploads, long seedQuotaBytes, Random rng) {
        if (maxUploads < 1) {
            throw new IllegalArgumentException("maxUploads must be at least 1: " + maxUploads);
        }
        this.maxUploads = maxUploads;
        this.seedQuotaBytes = Math.max(0, seedQuotaBytes);
        this.rng = rng;
    }

    /** The peers to unchoke from now on; every other connected peer is to be choked. */
    public synchronized Set<P> rechoke(List<Candidate<P>> candidates, boolean seeding, long nowMillis) {
        List<Candidate<P>> ranked = new ArrayList<>();
        for (Candidate<P> candidate : candidates) {
            if (candidate.interested() && (seeding || !candidate.snubbed())) {
                ranked.add(candidate);
            }
        }
        ranked.sort(seeding ? roundRobin(nowMillis)
                : Comparator.comparingLong(Candidate<P>::downloadedFromPeer).reversed()
                        .thenComparing(roundRobin(nowMillis)));

        Set<P> unchoked = Collections.newSetFromMap(new IdentityHashMap<>());
        int regularSlots = maxUploads - 1;
        for (int i = 0; i < ranked.size() && unchoked.size() < regularSlots; i++) {
            unchoked.add(ranked.get(i).peer());
        }

        P kept = keepOptimistic(candidates, unchoked, nowMillis);
        if (kept == null) {
            kept = chooseOptimistic(candidates, unchoked, nowMillis);
            optimistic = kept;
            optimisticSinceMillis = nowMillis;
        }
        if (kept != null) {
            unchoked.add(kept);
        }
        return Collections.unmodifiableSet(unchoked);
    }

    /**
     * The seeding order: peers still in their turn keep their slots (fastest first among them), then the peers
     * that have waited longest since their last unchoke (never-unchoked ones first, oldest connection first), and
     * last the peers whose turn is over.
     */
    private Comparator<Candidate<P>> roundRobin(long nowMillis) {
        Comparator<Candidate<P>> turnOver = Comparator.comparing(c -> turnOver(c, nowMillis));
        Comparator<Candidate<P>> inTurnFirst = Comparator.comparing(c -> !c.unchoked());
        return turnOver.thenComparing(inTurnFirst)
                // a choked peer's residual transfer (blocks in flight when it was choked) must not rank it first
                .thenComparing(Comparator.comparingLong((Candidate<P> c) -> c.unchoked() ? c.uploadedToPeer() : 0)
                        .reversed())
                .thenComparingLong(Candidate::lastUnchokedMillis)
                .thenComparingLong(Candidate::connectedAtMillis);
    }

    private boolean turnOver(Candidate<P> c, long nowMillis) {
        return c.unchoked() && c.uploadedSinceUnchoke() >= seedQuotaBytes
                && nowMillis - c.lastUnchokedMillis() >= MIN_SEED_TURN_MILLIS;
    }

    /** The current optimistic unchoke, or null. */
    public synchronized P optimisticPeer() {
        return optimistic;
    }

    /** The current optimistic peer if it is still connected, interested, not a regular unchoke and not yet due. */
    private P keepOptimistic(List<Candidate<P>> candidates, Set<P> regular, long nowMillis) {
        if (optimistic == null || nowMillis - optimisticSinceMillis >= OPTIMISTIC_INTERVAL_MILLIS
                || regular.contains(optimistic)) {
            return null;
        }
        for (Candidate<P> candidate : candidates) {
            if (candidate.peer() == optimistic) {
                return candidate.interested() ? optimistic : null;
            }
        }
        return null;
    }

    /** A weighted random pick among interested peers without a regular slot, avoiding the previous one if possible. */
    private P chooseOptimistic(List<Candidate<P>> candidates, Set<P> regular, long nowMillis) {
        List<Candidate<P>> pool = new ArrayList<>();
        for (Candidate<P> candidate : candidates) {
            if (candidate.interested() && !regular.contains(candidate.peer())) {
                pool.add(candidate);
            }
        }
        if (pool.size() > 1) {
            pool.removeIf(candidate -> candidate.peer() == optimistic);
        }
        int totalWeight = 0;
        for (Candidate<P> candidate : pool) {
            totalWeight += weight(candidate, nowMillis);
        }
        if (totalWeight == 0) {
            return null;
        }
        int ticket = rng.nextInt(totalWeight);
        for (Candidate<P> candidate : pool) {
            ticket -= weight(candidate, nowMillis);
            if (ticket < 0) {
                return candidate.peer();
            }
        }
        throw new AssertionError("weights changed while choosing");
    }

    private static int weight(Candidate<?> candidate, long nowMillis) {
        return nowMillis - candidate.connectedAtMillis() < OPTIMISTIC_INTERVAL_MILLIS ? NEW_PEER_WEIGHT : 1;
    }
}
