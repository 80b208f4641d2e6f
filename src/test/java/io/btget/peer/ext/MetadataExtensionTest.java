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
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

/** ut_metadata on one connection, against a fake peer: how answers are pulled and when a peer is dropped. */
class MetadataExtensionTest {
    private static final long NOW = 5_000_000_000L;

    /**
     * A connection that records what the extension sends; its lazy source ({@link ExtensionPeer#sendLazily}) is kept,
     * not drained, and the test plays the writer with {@link #pull}.
     */
    private static final class FakePeer implements ExtensionPeer {
        final List<byte[]> sent = new ArrayList<>();
        final List<String> drops = new ArrayList<>();
        volatile ExtendedHandshake handshake;
        Supplier<Optional<byte[]>> lazy;

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
        public synchronized void sendLazily(String name, Supplier<Optional<byte[]>> source) {
            assertThat(name).isEqualTo(MetadataExtension.NAME);
            lazy = source;
        }

        /** What the writer does when it has room: one message from the lazy source, sent; false when it had none. */
        synchronized boolean pull() {
            if (lazy == null) {
                return false;
            }
            Optional<byte[]> next = lazy.get();
            next.ifPresent(sent::add);
            return next.isPresent();
        }

        /** Pulls until the source is dry; how many messages it gave. */
        int pullAll() {
            int n = 0;
            while (pull()) {
                n++;
            }
            return n;
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
    void answersArePulledOneAtATimeByTheWriterAndEveryQueuedRequestIsAnswered() throws Exception {
        byte[] info = new byte[40 * UtMetadataMessage.PIECE_SIZE];
        new java.util.Random(9).nextBytes(info);
        AtomicInteger built = new AtomicInteger(); // the server asks for the info bytes once per answer it builds
        FakePeer peer = new FakePeer();
        Extension.Session s = new MetadataExtension(() -> {
            built.incrementAndGet();
            return Optional.of(info);
        }, null, bytes -> { }).open(peer);
        for (int i = 0; i < MetadataServer.MAX_QUEUED; i++) {
            s.onMessage(request(i));
        }
        assertThat(peer.sent).as("sent before the writer pulls").isEmpty();
        assertThat(built.get()).as("answers built before the writer pulls").isZero();

        for (int n = 1; n <= 3; n++) {
            assertThat(peer.pull()).isTrue();
            assertThat(peer.count(1)).isEqualTo(n);
            assertThat(built.get()).as("answers built after %d pulls", n).isEqualTo(n);
        }
        s.tick(NOW); // a tick sends nothing: only the writer pulls
        assertThat(peer.sent).hasSize(3);

        assertThat(peer.pullAll()).isEqualTo(MetadataServer.MAX_QUEUED - 3);
        assertThat(peer.pull()).as("a dry source stays dry").isFalse();
        for (int i = 0; i < MetadataServer.MAX_QUEUED; i++) {
            UtMetadataMessage m = UtMetadataMessage.decode(peer.sent.get(i));
            assertThat(m).isInstanceOf(UtMetadataMessage.Data.class);
            UtMetadataMessage.Data d = (UtMetadataMessage.Data) m;
            assertThat(d.piece()).as("answers in request order").isEqualTo(i);
            assertThat(d.data()).isEqualTo(java.util.Arrays.copyOfRange(info, i * UtMetadataMessage.PIECE_SIZE,
                    (i + 1) * UtMetadataMessage.PIECE_SIZE));
        }

        for (int i = 0; i < 4; i++) { // more requests after the source ran dry: pulled again
            s.onMessage(request(20 + i));
        }
        assertThat(peer.pullAll()).isEqualTo(4);
        assertThat(peer.count(1)).isEqualTo(MetadataServer.MAX_QUEUED + 4);
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
            peer.pullAll();
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
        assertThat(peer.count(2)).as("rejected at once: the queue was full").isEqualTo(
                MetadataExtension.MAX_OVERFLOW_PER_TICK);
        assertThat(peer.count(1)).as("data sent without a pull").isZero();
        assertThat(peer.pullAll()).as("answers left once dropped").isZero();
    }

    @Test
    void aFullQueueRejectsAtOnceAndOnlyAFloodEveryTickDrops() throws Exception {
        FakePeer peer = new FakePeer();
        Extension.Session s = MetadataExtension.serving(new byte[100]).open(peer);
        for (int i = 0; i < MetadataServer.MAX_QUEUED + MetadataExtension.MAX_OVERFLOW_PER_TICK; i++) {
            s.onMessage(request(0)); // a writer that cannot keep up: the queue fills, the rest are rejected
        }
        assertThat(peer.count(2)).isEqualTo(MetadataExtension.MAX_OVERFLOW_PER_TICK);
        s.tick(NOW);
        for (int i = 0; i < MetadataExtension.MAX_OVERFLOW_PER_TICK; i++) {
            s.onMessage(request(0)); // a new second: as many again is allowed
        }
        assertThat(peer.count(2)).isEqualTo(2 * MetadataExtension.MAX_OVERFLOW_PER_TICK);
        assertThatThrownBy(() -> s.onMessage(request(0))).isInstanceOf(WireException.class)
                .hasMessageContaining("metadata requests");
        assertThat(peer.drops).isEmpty();
    }

    @Test
    void aPeerThatAsksForTheSameMetadataOverAndOverIsDroppedOnTheNextTickNotByTheWriter() throws Exception {
        FakePeer peer = new FakePeer();
        Extension.Session s = MetadataExtension.serving(new byte[100]).open(peer);
        int limit = MetadataExtension.MAX_SERVED_ROUNDS + MetadataServer.MAX_QUEUED;
        for (int i = 0; i < limit; i++) {
            s.onMessage(request(0));
            assertThat(peer.pull()).isTrue();
            s.tick(NOW + i);
        }
        assertThat(peer.count(1)).isEqualTo(limit);
        assertThat(peer.drops).isEmpty();

        s.onMessage(request(0));
        s.onMessage(request(0));
        assertThat(peer.pull()).as("the answer past the limit").isFalse();
        assertThat(peer.count(1)).isEqualTo(limit);
        assertThat(peer.drops).as("dropped from the writer").isEmpty();
        assertThat(peer.pull()).as("the rest of the queue cleared").isFalse();

        s.tick(NOW + limit);
        assertThat(peer.drops).singleElement().asString().contains("metadata pieces");
    }

    @Test
    void aPeerPastTheServedLimitIsDroppedOnItsNextMessage() throws Exception {
        FakePeer peer = new FakePeer();
        Extension.Session s = MetadataExtension.serving(new byte[100]).open(peer);
        int limit = MetadataExtension.MAX_SERVED_ROUNDS + MetadataServer.MAX_QUEUED;
        for (int i = 0; i <= limit; i++) {
            s.onMessage(request(0));
            peer.pull();
        }
        assertThat(peer.count(1)).isEqualTo(limit);
        assertThatThrownBy(() -> s.onMessage(request(0))).isInstanceOf(WireException.class)
                .hasMessageContaining("metadata pieces");
        assertThat(peer.pull()).isFalse();
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
