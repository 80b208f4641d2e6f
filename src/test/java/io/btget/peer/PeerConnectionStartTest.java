package io.btget.peer;

import static org.assertj.core.api.Assertions.assertThat;

import io.btget.metainfo.InfoHash;
import io.btget.piece.Bitfield;
import io.btget.piece.BlockRequest;
import io.btget.piece.PiecePicker;
import java.io.DataInputStream;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * What reaches the wire first on a new connection. The pool lists a connection a moment before it calls
 * {@link PeerConnection#start()}, and in that window the session may already announce a finished piece (HAVE) or the
 * choker unchoke it. Review of issue 8 ("visible before whole"): those messages went out ahead of our BITFIELD, which
 * BEP 3 allows only as the first message after the handshake (strict peers drop us or ignore the bitfield). Right:
 * the BITFIELD comes first, the messages sent before start follow in order, and no announced piece is lost.
 * Deterministic: the "other threads" are this test calling in before start.
 */
@Timeout(30)
class PeerConnectionStartTest {
    private static final int PIECES = 16;
    private static final int ID_UNCHOKE = 1;
    private static final int ID_HAVE = 4;
    private static final int ID_BITFIELD = 5;

    private final Ctx ctx = new Ctx();
    private final List<AutoCloseable> toClose = new ArrayList<>();

    @AfterEach
    void cleanUp() throws Exception {
        for (AutoCloseable c : toClose) {
            c.close();
        }
    }

    @Test
    void aHaveAndAnUnchokeSentBetweenListingAndStartFollowTheBitfield() throws Exception {
        ctx.have.set(0);
        Socket peer = connect();
        PeerConnection c = ctx.connection;
        // a reader thread finishes piece 5 (marked ours, then announced to every listed connection) and the choker
        // unchokes the new peer, both before the pool calls start()
        ctx.have.set(5);
        c.announceHave(5);
        c.unchoke();
        c.start();

        DataInputStream in = new DataInputStream(peer.getInputStream());
        WireMessage first = WireMessage.read(in);
        assertThat(first.id).as("first message after the handshake").isEqualTo(ID_BITFIELD);
        Bitfield bits = Bitfield.fromWireBytes(first.payload, PIECES);
        assertThat(bits.get(0)).isTrue();
        WireMessage second = WireMessage.read(in);
        boolean piece5Announced = bits.get(5);
        if (!piece5Announced && second.id == ID_HAVE) {
            piece5Announced = second.pieceIndex() == 5;
            second = WireMessage.read(in);
        }
        assertThat(piece5Announced).as("piece 5 in the bitfield or a later HAVE").isTrue();
        assertThat(second.id).as("the UNCHOKE sent before start").isEqualTo(ID_UNCHOKE);
    }

    @Test
    void aHaveTheBitfieldDoesNotCarryIsKeptInOrderAfterIt() throws Exception {
        ctx.have.set(0);
        Socket peer = connect();
        PeerConnection c = ctx.connection;
        c.announceHave(7); // not in the snapshot start takes: must still reach the peer, after the bitfield
        c.unchoke();
        c.start();

        DataInputStream in = new DataInputStream(peer.getInputStream());
        WireMessage first = WireMessage.read(in);
        assertThat(first.id).isEqualTo(ID_BITFIELD);
        assertThat(Bitfield.fromWireBytes(first.payload, PIECES).get(7)).isFalse();
        WireMessage second = WireMessage.read(in);
        assertThat(second.id).isEqualTo(ID_HAVE);
        assertThat(second.pieceIndex()).isEqualTo(7);
        assertThat(WireMessage.read(in).id).isEqualTo(ID_UNCHOKE);
    }

    @Test
    void withNoPieceThereIsNoBitfieldAndEarlyMessagesStillGoOut() throws Exception {
        Socket peer = connect();
        ctx.connection.unchoke();
        ctx.connection.start();
        assertThat(WireMessage.read(new DataInputStream(peer.getInputStream())).id).isEqualTo(ID_UNCHOKE);
    }

    /** A connected socket pair on loopback; our end wrapped in a (not yet started) connection. */
    private Socket connect() throws IOException {
        ServerSocket server = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
        toClose.add(server);
        Socket peer = new Socket(InetAddress.getLoopbackAddress(), server.getLocalPort());
        toClose.add(peer);
        peer.setSoTimeout(5_000);
        Socket ours = server.accept();
        toClose.add(ours);
        ctx.connection = PeerConnection.over(new io.btget.net.TcpTransport(ours),
                Handshake.ours(ctx.infoHash(), ctx.ourPeerId(), false),
                Handshake.ours(ctx.infoHash(), PeerId.generate(new Random(7)), false), true, ctx, (conn, why, bad) -> { });
        toClose.add(() -> ctx.connection.close("test over", false));
        return peer;
    }

    private record WireMessage(int id, byte[] payload) {
        static WireMessage read(DataInputStream in) throws IOException {
            int length;
            do {
                length = in.readInt(); // keep-alives carry nothing
            } while (length == 0);
            int id = in.readUnsignedByte();
            byte[] payload = new byte[length - 1];
            in.readFully(payload);
            return new WireMessage(id, payload);
        }

        int pieceIndex() {
            return java.nio.ByteBuffer.wrap(payload).getInt();
        }
    }

    /** Our side of a torrent: a real picker and a have-set the test changes; nothing is stored. */
    private static final class Ctx implements TorrentContext {
        final Bitfield have = new Bitfield(PIECES);
        final PiecePicker<PeerConnection> picker = new PiecePicker<>(PIECES, p -> BlockRequest.BLOCK_SIZE,
                new Bitfield(PIECES), new Random(1), 4);
        final RateLimiter unlimited = new RateLimiter(0);
        PeerConnection connection;

        @Override
        public InfoHash infoHash() {
            return new InfoHash(new byte[InfoHash.LENGTH]);
        }

        @Override
        public PeerId ourPeerId() {
            return PeerId.generate(new Random(99));
        }

        @Override
        public int pieceCount() {
            return PIECES;
        }

        @Override
        public int pieceSize(int piece) {
            return BlockRequest.BLOCK_SIZE;
        }

        @Override
        public byte[] ourBitfieldWire() {
            return have.cardinality() == 0 ? null : have.toWireBytes();
        }

        @Override
        public boolean havePiece(int piece) {
            return have.get(piece);
        }

        @Override
        public PiecePicker<PeerConnection> picker() {
            return picker;
        }

        @Override
        public byte[] pieceBuffer(int piece) {
            return new byte[BlockRequest.BLOCK_SIZE];
        }

        @Override
        public void blockStored(PeerConnection from, BlockRequest block, byte[] buffer) {
        }

        @Override
        public void blockLost(BlockRequest block, byte[] buffer) {
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
        }

        @Override
        public void countUploaded(int bytes) {
        }

        @Override
        public void connectionClosed(PeerConnection connection, String reason, boolean misbehaved) {
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
