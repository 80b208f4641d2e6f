package io.btget.session;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class ParkedIncomingTest {
    /** Review defect 9: a held peer used to wait for the pool with no deadline (a whole check). */
    @Test
    void aHeldPeerIsRefusedWhenThePoolDoesNotOpenInTime() {
        ParkedIncoming parked = new ParkedIncoming(20);
        boolean admitted = assertTimeoutPreemptively(Duration.ofSeconds(30), () -> parked.accept(null, null));
        assertThat(admitted).isFalse();
    }

    @Test
    void aHeldPeerIsRefusedAtOnceWhenTheSessionEnds() throws Exception {
        ParkedIncoming parked = new ParkedIncoming(600_000);
        CompletableFuture<Boolean> held = CompletableFuture.supplyAsync(() -> parked.accept(null, null));
        parked.close();
        assertThat(held.get(30, TimeUnit.SECONDS)).isFalse();
        assertThat(parked.accept(null, null)).isFalse();
    }

    @Test
    void theWaitMustBePositive() {
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> new ParkedIncoming(0))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
