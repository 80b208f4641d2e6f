package io.btget.peer;

import static org.assertj.core.api.Assertions.assertThat;

import io.btget.client.Client;
import io.btget.metainfo.InfoHash;
import io.btget.piece.Bitfield;
import io.btget.piece.BlockRequest;
import io.btget.piece.PiecePicker;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.Timeout;

/**
 * The connection lifecycle under churn, in-process: hundreds of peers connect to a {@link PeerPool} on loopback
 * (through the process listener, {@link Client}, which routes them to the pool) and go away (before the handshake,
 * mid-handshake, abruptly right after it, after their bitfield, after a protocol violation) while a stand-in for
 * the session's loop ticks, chokes and announces to every listed connection as fast as it can. Field report (issue 8): a leecher died with "unknown peer (call addPeer first)" from
 * {@code PeerConnection.tick}, because a connection was listed before it was registered with the picker, and a
 * closed one stayed listed after it left the picker. Right: no peer's timing reaches the caller as an exception,
 * and once every peer is gone, it is gone from every list (the pool's and the picker's).
 */
@Timeout(60)
class PeerPoolChurnTest {
    private static final int PIECES = 16;
    private static final int PIECE_LENGTH = 2 * BlockRequest.BLOCK_SIZE;
    private static final int CHURNERS = 6;
    private static final int CONNECTIONS_PER_CHURNER = 60;

    private final FakeTorrent ctx = new FakeTorrent();
    private final Client client = new Client(InetAddress.getLoopbackAddress(), 0, false, 0, 0);
    private PeerPool pool;

    @AfterEach
    void closePool() {
        client.close();
        if (pool != null) {
            pool.close();
        }
    }

    /** The pool, reachable on the returned port through the process listener as a session registers it. */
    private int listen(PeerPool p) {
        client.register(ctx.infoHash(), p);
        return client.listen();
    }

    @RepeatedTest(3)
    void connectionsOpeningAndClosingWhileTheSessionTicksNeverThrowAndLeaveNoTrace() throws Exception {
        pool = new PeerPool(ctx, 1000);
        int port = listen(pool);
        pool.start();

        List<Throwable> sessionErrors = new CopyOnWriteArrayList<>();
        AtomicBoolean churning = new AtomicBoolean(true);
        Thread session = new Thread(() -> {
            int round = 0;
            while (churning.get()) {
                round++;
                for (PeerConnection c : pool.connections()) {
                    try {
                        // what TorrentSession.loop, Choking and completePiece do to every listed connection
                        c.tick();
                        if (round % 2 == 0) {
                            c.unchoke();
                        } else {
                            c.choke();
                        }
                        c.announceHave(round % PIECES);
                        c.isSeed();
                    } catch (Throwable e) {
                        sessionErrors.add(e);
                    }
                }
            }
        }, "session-stand-in");
        session.start();

        List<Thread> churners = new ArrayList<>();
        AtomicInteger handshakes = new AtomicInteger();
        for (int t = 0; t < CHURNERS; t++) {
            long seed = t;
            Thread churner = new Thread(() -> handshakes.addAndGet(new Churner(ctx.infoHash(), PIECES, seed)
                    .run(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), CONNECTIONS_PER_CHURNER)),
                    "churner-" + t);
            churners.add(churner);
            churner.start();
        }
        for (Thread t : churners) {
            t.join();
        }
        // Every peer is gone: the pool's readers see the end of their streams and close.
        // An incoming handshake still in flight when the churners end can list a connection a moment after the
        // pool looked empty: wait until it has stayed empty for a while (bounded), not for one empty glimpse.
        for (int i = 0, quiet = 0; i < 1000 && quiet < 20; i++) {
            quiet = pool.connections().isEmpty() && ctx.picker().peerCount() == 0 ? quiet + 1 : 0;
            Thread.sleep(10);
        }
        churning.set(false);
        session.join();

        assertThat(sessionErrors).as("exceptions reaching the session loop").isEmpty();
        assertThat(handshakes.get()).as("peers that got through the handshake").isPositive();
        assertThat(pool.connections()).as("connections still listed").isEmpty();
        assertThat(ctx.picker().peerCount()).as("peers still registered with the picker").isZero();
        assertThat(ctx.picker().availability(0)).isZero();
        assertThat(ctx.closedTwice.get()).as("connections reported closed twice").isZero();
    }

    @org.junit.jupiter.api.Test
    void anUnexpectedExceptionOnOnePeersBehalfClosesThatPeerOnly() throws Exception {
        pool = new PeerPool(ctx, 10);
        int port = listen(pool);
        pool.start();
        try (java.net.Socket first = handshaken(port); java.net.Socket second = handshaken(port)) {
            for (int i = 0; i < 500 && pool.connections().size() < 2; i++) {
                Thread.sleep(10);
            }
            assertThat(pool.connections()).hasSize(2);
            PeerConnection victim = pool.connections().get(0);
            boolean ok = victim.guard("tick", () -> {
                throw new IllegalStateException("a bug on this peer's behalf");
            });
            assertThat(ok).isFalse();
            assertThat(victim.isClosed()).isTrue();
            assertThat(pool.connections()).hasSize(1).doesNotContain(victim);
            assertThat(ctx.picker().peerCount()).isEqualTo(1);
            assertThat(pool.connections().get(0).guard("tick", pool.connections().get(0)::tick)).isTrue();
        }
    }

    @org.junit.jupiter.api.Test
    void aPeerBeyondTheConnectionLimitIsHungUpOnAtOnce() throws Exception {
        pool = new PeerPool(ctx, 2);
        int port = listen(pool);
        pool.start();
        try (java.net.Socket first = handshaken(port); java.net.Socket second = handshaken(port)) {
            for (int i = 0; i < 500 && pool.connections().size() < 2; i++) {
                Thread.sleep(10);
            }
            assertThat(pool.connections()).hasSize(2);
            // the pool refuses the third before answering its handshake, instead of holding it
            try (java.net.Socket third = new java.net.Socket(InetAddress.getLoopbackAddress(), port)) {
                third.setSoTimeout(5_000);
                third.getOutputStream().write(Handshake.ours(ctx.infoHash(), PeerId.generate(new Random()), false)
                        .encode());
                assertThat(third.getInputStream().read()).isEqualTo(-1);
            }
            assertThat(pool.connections()).hasSize(2);
        }
    }

    private java.net.Socket handshaken(int port) throws java.io.IOException {
        java.net.Socket s = new java.net.Socket(InetAddress.getLoopbackAddress(), port);
        s.setSoTimeout(5_000);
        s.getOutputStream().write(Handshake.ours(ctx.infoHash(), PeerId.generate(new Random()), false).encode());
        new java.io.DataInputStream(s.getInputStream()).readFully(new byte[Handshake.LENGTH]);
        return s;
    }

    /** A torrent nobody completes: the picker is real, storage is not. */
    private static final class FakeTorrent implements TorrentContext {
        private final InfoHash infoHash = new InfoHash(new byte[InfoHash.LENGTH]);
        private final PeerId ourId = PeerId.generate(new Random(99));
        private final PiecePicker<PeerConnection> picker = new PiecePicker<>(PIECES, p -> PIECE_LENGTH,
                new Bitfield(PIECES), new Random(1), 4);
        private final RateLimiter unlimited = new RateLimiter(0);
        private final java.util.Set<PeerConnection> closed = java.util.concurrent.ConcurrentHashMap.newKeySet();
        final AtomicInteger closedTwice = new AtomicInteger();
        final LongAdder downloaded = new LongAdder();

        @Override
        public InfoHash infoHash() {
            return infoHash;
        }

        @Override
        public PeerId ourPeerId() {
            return ourId;
        }

        @Override
        public int pieceCount() {
            return PIECES;
        }

        @Override
        public int pieceSize(int piece) {
            return PIECE_LENGTH;
        }

        @Override
        public byte[] ourBitfieldWire() {
            return null;
        }

        @Override
        public boolean havePiece(int piece) {
            return false;
        }

        @Override
        public PiecePicker<PeerConnection> picker() {
            return picker;
        }

        @Override
        public byte[] pieceBuffer(int piece) {
            return new byte[PIECE_LENGTH];
        }

        @Override
        public void blockStored(PeerConnection from, BlockRequest block, byte[] buffer) {
        }

        @Override
        public void blockLost(BlockRequest block, byte[] buffer) {
            picker.pieceFailed(block.piece());
        }

        @Override
        public void piecesAbandoned(List<Integer> pieces) {
        }

        @Override
        public boolean readBlock(int piece, int offset, int length, byte[] dst) {
            return false;
        }

        @Override
        public RateLimiter downloadLimiter() {
            return unlimited;
        }

        @Override
        public RateLimiter uploadLimiter() {
            return unlimited;
        }

        @Override
        public void countDownloaded(int bytes, boolean wasted) {
            downloaded.add(bytes);
        }

        @Override
        public void countUploaded(int bytes) {
        }

        @Override
        public void connectionClosed(PeerConnection connection, String reason, boolean misbehaved) {
            if (!closed.add(connection)) {
                closedTwice.incrementAndGet();
            }
        }

        @Override
        public boolean isComplete() {
            return false;
        }

        @Override
        public boolean wantsOutgoingConnections() {
            return false;
        }
    }
}
