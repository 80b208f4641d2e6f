package io.btget.peer.ext;

import static org.assertj.core.api.Assertions.assertThat;

import io.btget.metainfo.InfoHash;
import io.btget.peer.ext.metadata.MetadataFetch;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Who feeds which metadata fetch, before and after a hash failure nobody can pin on one peer. */
class MetadataPlanTest {
    private final MetadataPlan plan = new MetadataPlan(new InfoHash(new byte[20]));

    @Test
    void everyPeerSharesOneFetchAtFirst() {
        assertThat(plan.fetchFor("a")).isNotNull().isSameAs(plan.fetchFor("b"));
        assertThat(plan.isolated()).isFalse();
    }

    @Test
    void aPeerThatSuppliedEveryPieceAloneIsBlamed() {
        MetadataFetch shared = plan.fetchFor("a");
        assertThat(plan.hashFailed(shared, Set.of("a"))).isTrue();
        assertThat(plan.isolated()).isFalse();
    }

    @Test
    void aFailureWithSeveralContributorsBlamesNobodyAndIsolatesThePeers() {
        MetadataFetch shared = plan.fetchFor("evil");
        assertThat(plan.hashFailed(shared, Set.of("evil", "honest"))).as("drop the contributors").isFalse();
        assertThat(plan.isolated()).isTrue();

        MetadataFetch alone = plan.fetchFor("evil");
        assertThat(alone).isNotNull().isNotSameAs(shared);
        assertThat(plan.fetchFor("honest")).as("one peer at a time").isNull();

        assertThat(plan.hashFailed(alone, Set.of("evil"))).as("alone, it is certainly guilty").isTrue();
        MetadataFetch next = plan.fetchFor("honest");
        assertThat(next).isNotNull().isNotSameAs(alone);
        assertThat(plan.fetchFor("evil")).as("a peer gets one turn").isNull();
    }

    @Test
    void aPeerThatGoesAwayPassesItsTurn() {
        plan.hashFailed(plan.fetchFor("a"), Set.of("a", "b"));
        assertThat(plan.fetchFor("a")).isNotNull();
        plan.release("a");
        assertThat(plan.fetchFor("b")).isNotNull();
    }
}
