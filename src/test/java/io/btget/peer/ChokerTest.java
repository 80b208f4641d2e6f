package io.btget.peer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.btget.peer.Choker.Candidate;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

class ChokerTest {
    private static final long LONG_AGO = -1_000_000;

    private static final class Peer {
        private final String name;

        Peer(String name) {
            this.name = name;
        }

        @Override
        public String toString() {
            return name;
        }
    }

    private static Candidate<Peer> sending(Peer peer, long downloadedFromPeer) {
        return new Candidate<>(peer, true, downloadedFromPeer, 0, LONG_AGO, false);
    }

    private static Candidate<Peer> receiving(Peer peer, long uploadedToPeer) {
        return new Candidate<>(peer, true, 0, uploadedToPeer, LONG_AGO, false);
    }

    private static List<Peer> peers(int n) {
        List<Peer> peers = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            peers.add(new Peer("p" + i));
        }
        return peers;
    }

    @Test
    void whileLeechingUnchokesThoseThatSendUsTheMostPlusOneOptimistic() {
        List<Peer> p = peers(6);
        List<Candidate<Peer>> candidates = List.of(sending(p.get(0), 100), sending(p.get(1), 500),
                sending(p.get(2), 0), sending(p.get(3), 300), sending(p.get(4), 200), sending(p.get(5), 50));
        Choker<Peer> choker = new Choker<>(4, new Random(1));
        Set<Peer> unchoked = choker.rechoke(candidates, false, 0);
        assertThat(unchoked).hasSize(4).contains(p.get(1), p.get(3), p.get(4));
        assertThat(choker.optimisticPeer()).isIn(p.get(0), p.get(2), p.get(5));
        assertThat(unchoked).contains(choker.optimisticPeer());
    }

    /** A peer we are seeding to: unchoked at {@code unchokedAt} (or choked, last unchoked then), and what it got. */
    private static Candidate<Peer> seedPeer(Peer peer, boolean unchoked, long uploadedLastPeriod, long sinceUnchoke,
            long lastUnchokedAt) {
        return new Candidate<>(peer, true, 0, uploadedLastPeriod, LONG_AGO, false, unchoked,
                unchoked ? sinceUnchoke : 0, lastUnchokedAt);
    }

    private static final long QUOTA = 1 << 20;

    @Test
    void whileSeedingGivesTheSlotsOfPeersWhoseTurnIsOverToThoseThatWaitedLongest() {
        List<Peer> p = peers(5);
        long now = 100_000;
        List<Candidate<Peer>> candidates = List.of(
                // fast receivers that have had a full turn: unchoked 20 s ago, many pieces since
                seedPeer(p.get(0), true, 9_000_000, 20_000_000, now - 20_000),
                seedPeer(p.get(1), true, 8_000_000, 20_000_000, now - 20_000),
                // waiting: p2 never unchoked, p3 last unchoked long ago, p4 recently
                seedPeer(p.get(2), false, 0, 0, Choker.NEVER),
                seedPeer(p.get(3), false, 0, 0, now - 60_000),
                seedPeer(p.get(4), false, 0, 0, now - 15_000));
        Choker<Peer> choker = new Choker<>(3, QUOTA, new Random(1));
        Set<Peer> unchoked = choker.rechoke(candidates, true, now);
        // two regular slots: the two that waited longest; the optimistic one is among the rest
        assertThat(unchoked).hasSize(3).contains(p.get(2), p.get(3));
        assertThat(choker.optimisticPeer()).isIn(p.get(0), p.get(1), p.get(4));
    }

    @Test
    void whileSeedingAPeerKeepsItsSlotUntilItsTurnIsOver() {
        List<Peer> p = peers(3);
        long now = 100_000;
        Choker<Peer> choker = new Choker<>(2, QUOTA, new Random(1));
        // p0 was unchoked 5 s ago and is slow; p1 waits, with bytes still arriving from before it was choked
        List<Candidate<Peer>> early = List.of(seedPeer(p.get(0), true, 100_000, 4 * QUOTA, now - 5_000),
                seedPeer(p.get(1), false, 5_000_000, 0, now - 30_000));
        choker.rechoke(early, true, now);
        assertThat(choker.rechoke(early, true, now)).contains(p.get(0));
        assertThat(choker.optimisticPeer()).isSameAs(p.get(1));

        // a turn also needs the quota: 20 s in but only half of it sent, p0 keeps its slot
        List<Candidate<Peer>> slow = List.of(seedPeer(p.get(0), true, 100_000, QUOTA / 2, now - 20_000),
                seedPeer(p.get(1), false, 0, 0, now - 30_000), seedPeer(p.get(2), false, 0, 0, Choker.NEVER));
        Choker<Peer> one = new Choker<>(2, QUOTA, new Random(1));
        assertThat(one.rechoke(slow, true, now)).contains(p.get(0));
        assertThat(one.optimisticPeer()).isNotSameAs(p.get(0));
    }

    @Test
    void whileSeedingALoneDownloaderIsNeverRotatedOut() {
        Peer only = new Peer("only");
        long now = 100_000;
        Choker<Peer> choker = new Choker<>(4, QUOTA, new Random(1));
        Set<Peer> unchoked = choker.rechoke(List.of(seedPeer(only, true, 500_000_000, 900_000_000, now - 60_000)),
                true, now);
        assertThat(unchoked).containsExactly(only);
    }

    @Test
    void whileSeedingEveryInterestedPeerGetsARegularSlotInTurn() {
        // five waiting leechers, two regular slots and one optimistic: within two rounds every one has had a turn
        List<Peer> p = peers(5);
        Choker<Peer> choker = new Choker<>(3, QUOTA, new Random(7));
        long[] lastUnchoked = new long[5];
        java.util.Arrays.fill(lastUnchoked, Choker.NEVER);
        boolean[] unchokedNow = new boolean[5];
        Set<Peer> hadTurn = java.util.Collections.newSetFromMap(new java.util.IdentityHashMap<>());
        for (int round = 0; round < 2; round++) {
            long now = 100_000 + round * Choker.RECHOKE_INTERVAL_MILLIS;
            List<Candidate<Peer>> candidates = new ArrayList<>();
            for (int i = 0; i < 5; i++) {
                candidates.add(seedPeer(p.get(i), unchokedNow[i], 4 * QUOTA, 4 * QUOTA, lastUnchoked[i]));
            }
            Set<Peer> unchoked = choker.rechoke(candidates, true, now);
            for (int i = 0; i < 5; i++) {
                boolean on = unchoked.contains(p.get(i));
                if (on && !unchokedNow[i]) {
                    lastUnchoked[i] = now;
                }
                unchokedNow[i] = on;
                if (on) {
                    hadTurn.add(p.get(i));
                }
            }
        }
        assertThat(hadTurn).containsExactlyInAnyOrderElementsOf(p);
    }

    @Test
    void whileLeechingPeersThatSentNothingShareTheLeftoverSlotsInTurn() {
        // p0 reciprocates; p1..p3 sent us nothing (stragglers with no piece we lack). Two regular slots: p0 keeps
        // one, the other rotates among p1..p3 rather than staying with the oldest connection.
        List<Peer> p = peers(4);
        long now = 100_000;
        Choker<Peer> choker = new Choker<>(3, QUOTA, new Random(5));
        List<Candidate<Peer>> candidates = List.of(
                new Candidate<>(p.get(0), true, 5_000_000, 0, LONG_AGO, false, true, 2 * QUOTA, now - 20_000),
                new Candidate<>(p.get(1), true, 0, 3 * QUOTA, LONG_AGO, false, true, 2 * QUOTA, now - 20_000),
                new Candidate<>(p.get(2), true, 0, 0, LONG_AGO + 1, false, false, 0, now - 50_000),
                new Candidate<>(p.get(3), true, 0, 0, LONG_AGO + 2, false, false, 0, Choker.NEVER));
        Set<Peer> unchoked = choker.rechoke(candidates, false, now);
        assertThat(unchoked).hasSize(3).contains(p.get(0), p.get(3));
        assertThat(choker.optimisticPeer()).isIn(p.get(1), p.get(2));
    }

    @Test
    void neverUnchokesUninterestedPeers() {
        List<Peer> p = peers(3);
        List<Candidate<Peer>> candidates = List.of(new Candidate<>(p.get(0), false, 9_999, 0, LONG_AGO, false),
                sending(p.get(1), 1), new Candidate<>(p.get(2), false, 0, 0, 0, false));
        Choker<Peer> choker = new Choker<>(4, new Random(1));
        assertThat(choker.rechoke(candidates, false, 0)).containsExactly(p.get(1));
    }

    @Test
    void unchokesEveryInterestedPeerWhenThereAreFewerThanSlots() {
        List<Peer> p = peers(2);
        Set<Peer> unchoked = new Choker<Peer>(4, new Random(1))
                .rechoke(List.of(sending(p.get(0), 0), sending(p.get(1), 0)), false, 0);
        assertThat(unchoked).containsExactlyInAnyOrder(p.get(0), p.get(1));
    }

    @Test
    void leavesSnubbedPeersOutOfTheRegularSlotsWhileLeeching() {
        List<Peer> p = peers(3);
        Candidate<Peer> snubbed = new Candidate<>(p.get(0), true, 10_000, 0, LONG_AGO, true);
        List<Candidate<Peer>> candidates = List.of(snubbed, sending(p.get(1), 10), sending(p.get(2), 5));
        // two slots: one regular, one optimistic
        Choker<Peer> choker = new Choker<>(2, new Random(1));
        Set<Peer> unchoked = choker.rechoke(candidates, false, 0);
        assertThat(unchoked).contains(p.get(1)).hasSize(2);
        // but snubbing is about our downloads: a seeder ranks it like anyone else
        Choker<Peer> seeder = new Choker<>(2, new Random(1));
        List<Candidate<Peer>> asSeeder = List.of(new Candidate<>(p.get(0), true, 0, 10_000, LONG_AGO, true),
                receiving(p.get(1), 10), receiving(p.get(2), 5));
        assertThat(seeder.rechoke(asSeeder, true, 0)).contains(p.get(0));
    }

    @Test
    void withOneUploadSlotOnlyTheOptimisticPeerIsUnchoked() {
        List<Peer> p = peers(3);
        Choker<Peer> choker = new Choker<>(1, new Random(1));
        Set<Peer> unchoked = choker.rechoke(List.of(sending(p.get(0), 9), sending(p.get(1), 5),
                sending(p.get(2), 1)), false, 0);
        assertThat(unchoked).hasSize(1).containsExactly(choker.optimisticPeer());
    }

    @Test
    void keepsTheOptimisticPeerForThirtySecondsThenMovesOn() {
        List<Peer> p = peers(5);
        List<Candidate<Peer>> candidates = new ArrayList<>();
        for (Peer peer : p) {
            candidates.add(sending(peer, 0));
        }
        Choker<Peer> choker = new Choker<>(2, new Random(3));
        choker.rechoke(candidates, false, 0);
        Peer first = choker.optimisticPeer();
        choker.rechoke(candidates, false, 10_000);
        choker.rechoke(candidates, false, 20_000);
        assertThat(choker.optimisticPeer()).isSameAs(first);
        choker.rechoke(candidates, false, 30_000);
        assertThat(choker.optimisticPeer()).isNotNull().isNotSameAs(first);
    }

    @Test
    void replacesAnOptimisticPeerThatLeftOrLostInterest() {
        List<Peer> p = peers(3);
        Choker<Peer> choker = new Choker<>(1, new Random(1));
        choker.rechoke(List.of(sending(p.get(0), 0), sending(p.get(1), 0), sending(p.get(2), 0)), false, 0);
        Peer first = choker.optimisticPeer();
        List<Candidate<Peer>> without = new ArrayList<>();
        for (Peer peer : p) {
            if (peer != first) {
                without.add(sending(peer, 0));
            }
        }
        Set<Peer> unchoked = choker.rechoke(without, false, 10_000);
        assertThat(choker.optimisticPeer()).isNotNull().isNotSameAs(first);
        assertThat(unchoked).containsExactly(choker.optimisticPeer());

        List<Candidate<Peer>> lostInterest = List.of(new Candidate<>(choker.optimisticPeer(), false, 0, 0, LONG_AGO,
                false));
        assertThat(choker.rechoke(lostInterest, false, 20_000)).isEmpty();
        assertThat(choker.optimisticPeer()).isNull();
    }

    @Test
    void givesAnotherPeerTheOptimisticSlotWhenTheOptimisticOneEarnsARegularSlot() {
        List<Peer> p = peers(3);
        Choker<Peer> choker = new Choker<>(2, new Random(1));
        choker.rechoke(List.of(sending(p.get(0), 100), sending(p.get(1), 0), sending(p.get(2), 0)), false, 0);
        Peer optimistic = choker.optimisticPeer();
        assertThat(optimistic).isNotSameAs(p.get(0));
        List<Candidate<Peer>> now = new ArrayList<>();
        for (Peer peer : p) {
            now.add(sending(peer, peer == optimistic ? 1_000 : 0));
        }
        Set<Peer> unchoked = choker.rechoke(now, false, 10_000);
        assertThat(unchoked).hasSize(2).contains(optimistic);
        assertThat(choker.optimisticPeer()).isNotSameAs(optimistic);
    }

    @Test
    void newlyConnectedPeersAreThreeTimesAsLikelyToBeTheOptimisticUnchoke() {
        Peer old = new Peer("old");
        Peer fresh = new Peer("new");
        long now = 100_000;
        List<Candidate<Peer>> candidates = List.of(new Candidate<>(old, true, 0, 0, 0, false),
                new Candidate<>(fresh, true, 0, 0, now - 1_000, false));
        Random rng = new Random(11);
        int freshChosen = 0;
        int trials = 4000;
        for (int i = 0; i < trials; i++) {
            Choker<Peer> choker = new Choker<>(1, rng);
            choker.rechoke(candidates, false, now);
            if (choker.optimisticPeer() == fresh) {
                freshChosen++;
            }
        }
        // expected 3/4; an unweighted pick would give 1/2
        assertThat((double) freshChosen / trials).isBetween(0.70, 0.80);
    }

    @Test
    void rejectsZeroUploadSlots() {
        assertThatThrownBy(() -> new Choker<Peer>(0, new Random())).isInstanceOf(IllegalArgumentException.class);
    }
}
