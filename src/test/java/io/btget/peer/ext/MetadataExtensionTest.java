package io.btget.peer.ext;

import static java.nio.charset.StandardCharsets.ISO_8859_1;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.btget.metainfo.InfoHash;
import io.btget.peer.WireException;
import io.btget.peer.ext.metadata.MetadataServer;
import io.btget.peer.ext.metadata.UtMetadataMessage;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** ut_metadata on one connection, against a fake peer: how answers are paced and when a peer is dropped. */
class MetadataExtensionTest {
    private static final long NOW = 5_000_000_000L;

    /** A connection that records what the extension sends. */
    private static final class FakePeer implements ExtensionPeer {
        final List<byte[]> sent = new ArrayList<>();
        final List<String> drops = new ArrayList<>();
        volatile ExtendedHandshake handshake;

        @Override
        public InetSocketAddress address() {
            return new InetSocketAddress("127.0.0.1", 6881);
        }

        @Override
        public Optional<ExtendedHandshake> peerHandshake() {
            return Optional.ofNullable(handshake);
        }

        @Override
        public synchronized boolean send(String name, byte[] payload) {
            sent.add(payload);
            return true;
        }

        @Override
        public void drop(String reason) {
            drops.add(reason);
        }

        synchronized long count(int msgType) {
            String key = "8:msg_typei" + msgType + "e";
            return sent.stream().filter(p -> new String(p, ISO_8859_1).contains(key)).count();
        }
    }

    private static byte[] request(int piece) {
        return new UtMetadataMessage.Request(piece).encode();
    }

    @Test
    void answersGoOutAFewPerTickNotAllAtOnce() throws Exception {
        byte[] info = new byte[40 * UtMetadataMessage.PIECE_SIZE];
        FakePeer peer = new FakePeer();
        Extension.Session s = MetadataExtension.serving(info).open(peer);
        for (int i = 0; i < MetadataServer.MAX_QUEUED; i++) {
            s.onMessage(request(i));
        }
        assertThat(peer.count(1)).as("data sent before a tick").isEqualTo(MetadataExtension.ANSWERS_PER_TICK);
        s.tick(NOW);
        assertThat(peer.count(1)).isEqualTo(Math.min(MetadataServer.MAX_QUEUED, 2 * MetadataExtension.ANSWERS_PER_TICK));
        for (int t = 1; t < 4; t++) {
            s.tick(NOW + t);
        }
        assertThat(peer.count(1)).as("every request answered in the end").isEqualTo(MetadataServer.MAX_QUEUED);
        assertThat(peer.drops).isEmpty();
    }

    @Test
    void withoutMetadataEveryRequestIsRejectedAndThePeerIsNeverDroppedForAsking() throws Exception {
        FakePeer peer = new FakePeer();
        MetadataPlan plan = new MetadataPlan(new InfoHash(new byte[20]));
        Extension.Session s = new MetadataExtension(Optional::empty, plan, bytes -> { }).open(peer);
        for (int round = 0; round < 100; round++) { // another magnet leecher asking us, two at a time
            s.onMessage(request(0));
            s.onMessage(request(1));
            s.tick(NOW + round);
        }
        assertThat(peer.count(2)).as("rejects").isEqualTo(200);
        assertThat(peer.count(1)).isZero();
        assertThat(peer.drops).isEmpty();
    }

    @Test
    void aPeerThatFloodsRequestsIsDroppedWithBoundedAnswers() {
        FakePeer peer = new FakePeer();
        Extension.Session s = MetadataExtension.serving(new byte[100]).open(peer);
        assertThatThrownBy(() -> {
            for (int i = 0; i < 1_000_000; i++) {
                s.onMessage(request(0));
            }
        }).isInstanceOf(WireException.class).hasMessageContaining("metadata requests");
        assertThat(peer.sent.size()).isLessThanOrEqualTo(MetadataExtension.ANSWERS_PER_TICK
                + MetadataExtension.MAX_OVERFLOW_PER_TICK);
    }

    @Test
    void aPeerThatAsksForTheSameMetadataOverAndOverIsDropped() throws Exception {
        FakePeer peer = new FakePeer();
        Extension.Session s = MetadataExtension.serving(new byte[100]).open(peer);
        int limit = MetadataExtension.MAX_SERVED_ROUNDS + MetadataServer.MAX_QUEUED;
        for (int i = 0; i < limit; i++) {
            s.onMessage(request(0));
            s.tick(NOW + i);
        }
        assertThat(peer.count(1)).isEqualTo(limit);
        assertThatThrownBy(() -> s.onMessage(request(0))).isInstanceOf(WireException.class)
                .hasMessageContaining("metadata pieces");
    }

    @Test
    void aPeerTickedBeforeItsHandshakeGetsItsTurnOnceItAnnouncesTheSize() throws Exception {
        MetadataPlan plan = new MetadataPlan(new InfoHash(new byte[20]));
        assertThat(plan.hashFailed(plan.fetchFor("x", NOW), Set.of("x", "y"))).isFalse(); // each peer alone now
        FakePeer peer = new FakePeer();
        Extension.Session s = new MetadataExtension(Optional::empty, plan, bytes -> { }).open(peer);
        s.tick(NOW);
        assertThat(peer.sent).as("nothing to ask before its handshake").isEmpty();

        peer.handshake = ExtendedHandshake.builder().extension(MetadataExtension.NAME, 3)
                .metadataSize(3 * UtMetadataMessage.PIECE_SIZE).build();
        s.peerHandshake(peer.handshake);
        assertThat(peer.count(0)).as("requests sent").isPositive();
    }

    @Test
    void eachAcceptedPieceIsReportedAsProgressAndTheLastVerifies() throws Exception {
        byte[] info = new byte[UtMetadataMessage.PIECE_SIZE + 100];
        new java.util.Random(3).nextBytes(info);
        InfoHash hash = new InfoHash(java.security.MessageDigest.getInstance("SHA-1").digest(info));
        java.util.concurrent.atomic.AtomicInteger progress = new java.util.concurrent.atomic.AtomicInteger();
        java.util.concurrent.atomic.AtomicReference<byte[]> verified = new java.util.concurrent.atomic.AtomicReference<>();
        FakePeer peer = new FakePeer();
        peer.handshake = ExtendedHandshake.builder().extension(MetadataExtension.NAME, 3).metadataSize(info.length)
                .build();
        Extension.Session s = new MetadataExtension(Optional::empty, new MetadataPlan(hash), verified::set,
                progress::incrementAndGet).open(peer);
        s.peerHandshake(peer.handshake);
        assertThat(peer.count(0)).as("both pieces requested").isEqualTo(2);
        s.onMessage(new UtMetadataMessage.Data(0, info.length,
                java.util.Arrays.copyOfRange(info, 0, UtMetadataMessage.PIECE_SIZE)).encode());
        assertThat(progress.get()).isEqualTo(1);
        s.onMessage(new UtMetadataMessage.Data(1, info.length,
                java.util.Arrays.copyOfRange(info, UtMetadataMessage.PIECE_SIZE, info.length)).encode());
        assertThat(verified.get()).isEqualTo(info);
    }
}
