package io.btget.peer.ext;

import static org.assertj.core.api.Assertions.assertThat;

import io.btget.metainfo.InfoHash;
import io.btget.peer.ext.metadata.MetadataFetch;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Who feeds which metadata fetch, before and after a hash failure nobody can pin on one peer. */
class MetadataPlanTest {
    private static final long T0 = 1_000_000_000L;
    private final MetadataPlan plan = new MetadataPlan(new InfoHash(new byte[20]));

    private MetadataFetch fetchFor(Object peer) {
        return plan.fetchFor(peer, T0);
    }

    /** Turns the plan to isolation: a shared fetch failed with two contributors. */
    private MetadataFetch isolate() {
        MetadataFetch shared = fetchFor("x");
        assertThat(plan.hashFailed(shared, Set.of("x", "y"))).isFalse();
        assertThat(plan.isolated()).isTrue();
        return shared;
    }

    @Test
    void everyPeerSharesOneFetchAtFirst() {
        assertThat(fetchFor("a")).isNotNull().isSameAs(fetchFor("b"));
        assertThat(plan.isolated()).isFalse();
    }

    @Test
    void aPeerThatSuppliedEveryPieceAloneIsBlamed() {
        MetadataFetch shared = fetchFor("a");
        assertThat(plan.hashFailed(shared, Set.of("a"))).isTrue();
        assertThat(plan.isolated()).isFalse();
    }

    @Test
    void aFailureWithSeveralContributorsBlamesNobodyAndIsolatesThePeers() {
        MetadataFetch shared = fetchFor("evil");
        assertThat(plan.hashFailed(shared, Set.of("evil", "honest"))).as("drop the contributors").isFalse();
        assertThat(plan.isolated()).isTrue();

        MetadataFetch alone = fetchFor("evil");
        assertThat(alone).isNotNull().isNotSameAs(shared);
        MetadataFetch honest = fetchFor("honest");
        assertThat(honest).as("each peer alone").isNotNull().isNotSameAs(alone).isNotSameAs(shared);

        assertThat(plan.hashFailed(alone, Set.of("evil"))).as("alone, it is certainly guilty").isTrue();
        assertThat(fetchFor("honest")).isSameAs(honest);
        assertThat(fetchFor("evil")).as("a peer gets one turn").isNull();
    }

    @Test
    void aFewPeersFetchAloneAtOnceSoOneSlowPeerDoesNotHoldTheOthersUp() {
        isolate();
        for (int i = 0; i < MetadataPlan.MAX_TURNS; i++) {
            assertThat(fetchFor("p" + i)).isNotNull();
        }
        assertThat(fetchFor("late")).as("no turn free").isNull();
        plan.release("p0");
        assertThat(fetchFor("late")).as("a peer that goes away passes its turn").isNotNull();
    }

    @Test
    void aTurnWithNoProgressPassesAfterItsDeadline() {
        isolate();
        MetadataFetch[] turns = new MetadataFetch[MetadataPlan.MAX_TURNS];
        for (int i = 0; i < turns.length; i++) {
            turns[i] = fetchFor("slow" + i);
        }
        long almost = T0 + MetadataPlan.TURN_IDLE_NANOS - 1;
        plan.progressed(turns[0], almost);
        assertThat(plan.fetchFor("next", almost)).as("every turn still running").isNull();

        long after = T0 + MetadataPlan.TURN_IDLE_NANOS;
        assertThat(plan.fetchFor("next", after)).as("the idle turns passed").isNotNull();
        assertThat(plan.fetchFor("slow0", after)).as("a turn with progress goes on").isSameAs(turns[0]);
        assertThat(plan.fetchFor("slow1", after)).as("a peer whose turn passed is not asked again").isNull();
    }

    @Test
    void aStaleSharedFetchThatFailsLaterBlamesNobody() {
        MetadataFetch shared = isolate();
        assertThat(plan.hashFailed(shared, Set.of("honest"))).as("stale: its contributor may be honest").isFalse();
        MetadataFetch alone = fetchFor("a");
        assertThat(plan.hashFailed(alone, Set.of("a"))).isTrue();
        assertThat(plan.hashFailed(alone, Set.of("a"))).as("a turn already over is stale too").isFalse();
    }

    @Test
    void whenEveryPeerHadItsTurnTheInnocentOnesGetAnotherButNeverTheGuilty() {
        isolate();
        MetadataFetch evil = fetchFor("evil");
        fetchFor("slow");
        assertThat(plan.hashFailed(evil, Set.of("evil"))).isTrue();
        plan.release("slow"); // its turn passed without a verdict
        assertThat(fetchFor("slow")).as("nobody else is fetching: the slow peer again").isNotNull();
        plan.release("slow");
        assertThat(fetchFor("evil")).as("its own copy failed the hash").isNull();
        assertThat(fetchFor("new")).isNotNull();
        assertThat(fetchFor("slow")).as("not while a new peer has its turn").isNull();
    }
}
