package io.btget.peer.ext.metadata;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

class MetadataServerTest {
    private static final byte[] INFO = new byte[40000];

    static {
        for (int i = 0; i < INFO.length; i++) {
            INFO[i] = (byte) i;
        }
    }

    @Test
    void answersEachPieceWithItsBytesTheLastOneShorter() {
        MetadataServer server = new MetadataServer(() -> Optional.of(INFO));
        server.onRequest(2);
        server.onRequest(0);
        assertThat(server.poll()).contains(new UtMetadataMessage.Data(2, 40000,
                Arrays.copyOfRange(INFO, 32768, 40000)));
        assertThat(server.poll()).contains(new UtMetadataMessage.Data(0, 40000, Arrays.copyOf(INFO, 16384)));
        assertThat(server.poll()).isEmpty();
    }

    @Test
    void rejectsWhenWeHaveNoMetadataYetAndServesOnceWeHave() {
        AtomicReference<byte[]> have = new AtomicReference<>();
        MetadataServer server = new MetadataServer(() -> Optional.ofNullable(have.get()));
        server.onRequest(0);
        assertThat(server.poll()).contains(new UtMetadataMessage.Reject(0));
        have.set(INFO);
        server.onRequest(0);
        assertThat(server.poll()).get().isInstanceOf(UtMetadataMessage.Data.class);
    }

    @Test
    void rejectsAPieceOutOfRange() {
        MetadataServer server = new MetadataServer(() -> Optional.of(INFO));
        server.onRequest(3);
        assertThat(server.poll()).contains(new UtMetadataMessage.Reject(3));
    }

    @Test
    void aFloodOfRequestsIsRejectedOnceTheQueueIsFull() {
        MetadataServer server = new MetadataServer(() -> Optional.of(INFO));
        for (int i = 0; i < MetadataServer.MAX_QUEUED; i++) {
            assertThat(server.onRequest(0)).isEmpty();
        }
        assertThat(server.onRequest(1)).contains(new UtMetadataMessage.Reject(1));
        assertThat(server.queued()).isEqualTo(MetadataServer.MAX_QUEUED);
        server.poll();
        assertThat(server.onRequest(1)).isEmpty();
        server.clear();
        assertThat(server.poll()).isEmpty();
    }
}
