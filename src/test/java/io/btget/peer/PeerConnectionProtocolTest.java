package io.btget.peer;

import static org.assertj.core.api.Assertions.assertThat;

import io.btget.metainfo.InfoHash;
import io.btget.net.TcpTransport;
import io.btget.peer.ext.AllowedFast;
import io.btget.peer.ext.ExtendedHandshake;
import io.btget.peer.ext.ExtensionRegistry;
import io.btget.peer.ext.MetadataExtension;
import io.btget.peer.ext.metadata.UtMetadataMessage;
import io.btget.piece.Bitfield;
import io.btget.piece.BlockRequest;
import io.btget.piece.PiecePicker;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The BEP 6 (Fast) and BEP 10 (extension protocol) rules of one connection, against a scripted peer on a loopback
 * socket pair: what we send first, what we answer, what makes us drop the peer.
 */
@Timeout(30)
class PeerConnectionProtocolTest {
    private static final int PIECES = 64;
    private static final int ID_UNCHOKE = 1;
    private static final int ID_INTERESTED = 2;
    private static final int ID_REQUEST = 6;
    private static final int ID_BITFIELD = 5;
    private static final int ID_EXTENDED = 20;
    private static final int ID_HAVE_ALL = 0x0E;
    private static final int ID_HAVE_NONE = 0x0F;
    private static final int ID_REJECT = 0x10;
    private static final int ID_ALLOWED_FAST = 0x11;

    private final Ctx ctx = new Ctx();
    private final List<AutoCloseable> toClose = new ArrayList<>();
    private final CompletableFuture<Boolean> closedMisbehaved = new CompletableFuture<>();

    @AfterEach
    void cleanUp() throws Exception {
        for (AutoCloseable c : toClose) {
            c.close();
        }
    }

    @Test
    void aSeedSendsHaveAllInsteadOfABitfieldWhenBothSidesSpeakFast() throws Exception {
        ctx.have.setAll();
        Socket peer = connect(true, false);
        ctx.connection.start();
        assertThat(read(peer).id).isEqualTo(ID_HAVE_ALL);
    }

    @Test
    void withoutThePeersFastBitAFullBitfieldIsSent() throws Exception {
        ctx.have.setAll();
        Socket peer = connect(false, false);
        ctx.connection.start();
        assertThat(read(peer).id).isEqualTo(ID_BITFIELD);
    }

    @Test
    void aPeerWithNothingGetsHaveNoneUnderFast() throws Exception {
        Socket peer = connect(true, false);
        ctx.connection.start();
        assertThat(read(peer).id).isEqualTo(ID_HAVE_NONE);
    }

    @Test
    void aRequestWhileChokedIsRejectedUnlessItsPieceIsAllowedFast() throws Exception {
        ctx.have.setAll();
        Socket peer = connect(true, false);
        List<Integer> allowed = AllowedFast.compute(InetAddress.getLoopbackAddress(), ctx.infoHash(), PIECES,
                AllowedFast.DEFAULT_K);
        int notAllowed = 0;
        while (allowed.contains(notAllowed)) {
            notAllowed++;
        }
        ctx.connection.start();
        DataOutputStream out = new DataOutputStream(peer.getOutputStream());
        send(out, ID_REQUEST, ByteBuffer.allocate(12).putInt(notAllowed).putInt(0).putInt(BlockRequest.BLOCK_SIZE).array());
        Wire m = readSkipping(peer, ID_HAVE_ALL, ID_ALLOWED_FAST);
        assertThat(m.id).isEqualTo(ID_REJECT);
        assertThat(ByteBuffer.wrap(m.payload).getInt()).isEqualTo(notAllowed);
    }

    @Test
    void theAllowedFastSetIsSentToAFastPeer() throws Exception {
        ctx.have.setAll();
        Socket peer = connect(true, false);
        ctx.connection.start();
        List<Integer> announced = new ArrayList<>();
        assertThat(read(peer).id).isEqualTo(ID_HAVE_ALL);
        for (int i = 0; i < AllowedFast.DEFAULT_K; i++) {
            Wire m = read(peer);
            assertThat(m.id).isEqualTo(ID_ALLOWED_FAST);
            announced.add(ByteBuffer.wrap(m.payload).getInt());
        }
        assertThat(announced).containsExactlyInAnyOrderElementsOf(AllowedFast.compute(InetAddress.getLoopbackAddress(),
                ctx.infoHash(), PIECES, AllowedFast.DEFAULT_K));
    }

    @Test
    void haveAllFromAPeerThatDidNotSetTheFastBitDropsIt() throws Exception {
        Socket peer = connect(false, false);
        ctx.connection.start();
        send(new DataOutputStream(peer.getOutputStream()), ID_HAVE_ALL, new byte[0]);
        assertThat(closedMisbehaved.get(10, TimeUnit.SECONDS)).isTrue();
    }

    @Test
    void aRejectGivesTheBlockBackAtOnce() throws Exception {
        Socket peer = connect(true, false);
        ctx.picker.addPeer(ctx.connection, new Bitfield(PIECES)); // as the pool does on admission
        ctx.connection.start();
        DataOutputStream out = new DataOutputStream(peer.getOutputStream());
        send(out, ID_HAVE_ALL, new byte[0]);
        send(out, ID_UNCHOKE, new byte[0]);
        Wire request = readSkipping(peer, ID_HAVE_NONE, ID_ALLOWED_FAST, ID_INTERESTED);
        assertThat(request.id).isEqualTo(ID_REQUEST);
        ByteBuffer b = ByteBuffer.wrap(request.payload);
        BlockRequest block = new BlockRequest(b.getInt(), b.getInt(), b.getInt());
        assertThat(ctx.connection.outstandingRequests()).contains(block);
        send(out, ID_REJECT, request.payload);
        for (int i = 0; i < 500 && ctx.connection.outstandingRequests().contains(block); i++) {
            Thread.sleep(10); // the reader thread handles it; bounded by the class timeout
        }
        assertThat(ctx.connection.outstandingRequests()).doesNotContain(block);
        assertThat(ctx.connection.isClosed()).isFalse();
    }

    @Test
    void extendedMessagesGoOutUnderThePeersIdNeverOurs() throws Exception {
        byte[] info = new byte[20_000];
        new Random(3).nextBytes(info);
        ctx.registry = new ExtensionRegistry(List.of(MetadataExtension.serving(info)));
        Socket peer = connect(false, true);
        ctx.connection.start();
        Wire first = read(peer);
        assertThat(first.id).isEqualTo(ID_EXTENDED);
        assertThat(first.payload[0]).isZero();
        ExtendedHandshake ours = ExtendedHandshake.decode(java.util.Arrays.copyOfRange(first.payload, 1, first.payload.length));
        assertThat(ours.metadataSize()).hasValue(20_000);
        assertThat(ours.reqq()).hasValue(Limits.OUR_REQQ);
        int ourId = ours.idOf(MetadataExtension.NAME);
        assertThat(ourId).isPositive();

        DataOutputStream out = new DataOutputStream(peer.getOutputStream());
        byte[] theirs = ExtendedHandshake.builder().extension(MetadataExtension.NAME, 7).build().encode();
        send(out, ID_EXTENDED, concat((byte) 0, theirs));
        send(out, ID_EXTENDED, concat((byte) ourId, new UtMetadataMessage.Request(1).encode()));
        Wire answer = read(peer);
        assertThat(answer.id).isEqualTo(ID_EXTENDED);
        assertThat(answer.payload[0]).as("the peer's id for ut_metadata").isEqualTo((byte) 7);
        UtMetadataMessage data = UtMetadataMessage.decode(java.util.Arrays.copyOfRange(answer.payload, 1,
                answer.payload.length));
        assertThat(data).isInstanceOf(UtMetadataMessage.Data.class);
        assertThat(((UtMetadataMessage.Data) data).data()).isEqualTo(java.util.Arrays.copyOfRange(info, 16384, 20_000));
    }

    // ---- plumbing ----

    /** A connected socket pair on loopback; our end wrapped in a (not yet started) connection. */
    private Socket connect(boolean peerFast, boolean peerExtensions) throws IOException {
        ServerSocket server = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
        toClose.add(server);
        Socket peer = new Socket(InetAddress.getLoopbackAddress(), server.getLocalPort());
        toClose.add(peer);
        peer.setSoTimeout(10_000);
        Socket ours = server.accept();
        toClose.add(ours);
        Handshake us = Handshake.ours(ctx.infoHash(), ctx.ourPeerId(), ctx.features());
        Handshake them = Handshake.ours(ctx.infoHash(), PeerId.generate(new Random(7)),
                new Handshake.Features(peerExtensions, peerFast));
        ctx.connection = PeerConnection.over(new TcpTransport(ours), us, them, false, ctx,
                (conn, why, bad) -> closedMisbehaved.complete(bad));
        toClose.add(() -> ctx.connection.close("test over", false));
        return peer;
    }

    private static byte[] concat(byte id, byte[] rest) {
        byte[] out = new byte[rest.length + 1];
        out[0] = id;
        System.arraycopy(rest, 0, out, 1, rest.length);
        return out;
    }

    private static void send(DataOutputStream out, int id, byte[] payload) throws IOException {
        out.writeInt(payload.length + 1);
        out.writeByte(id);
        out.write(payload);
        out.flush();
    }

    private static Wire readSkipping(Socket peer, int... skip) throws IOException {
        while (true) {
            Wire m = read(peer);
            if (java.util.Arrays.stream(skip).noneMatch(id -> id == m.id)) {
                return m;
            }
        }
    }

    private static Wire read(Socket peer) throws IOException {
        DataInputStream in = new DataInputStream(peer.getInputStream());
        int length;
        do {
            length = in.readInt(); // keep-alives carry nothing
        } while (length == 0);
        int id = in.readUnsignedByte();
        byte[] payload = new byte[length - 1];
        in.readFully(payload);
        return new Wire(id, payload);
    }

    private record Wire(int id, byte[] payload) {
    }

    /** Our side of a torrent: a real picker, a have-set the test changes; Fast always, extensions when set. */
    private static final class Ctx implements TorrentContext {
        final Bitfield have = new Bitfield(PIECES);
        final PiecePicker<PeerConnection> picker = new PiecePicker<>(PIECES, p -> BlockRequest.BLOCK_SIZE,
                new Bitfield(PIECES), new Random(1), 4);
        final RateLimiter unlimited = new RateLimiter(0);
        final PeerId id = PeerId.generate(new Random(99));
        ExtensionRegistry registry;
        PeerConnection connection;

        @Override
        public Handshake.Features features() {
            return Handshake.Features.ALL;
        }

        @Override
        public ExtensionRegistry extensions() {
            return registry;
        }

        @Override
        public InfoHash infoHash() {
            return new InfoHash(new byte[InfoHash.LENGTH]);
        }

        @Override
        public PeerId ourPeerId() {
            return id;
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
            return have.isComplete();
        }

        @Override
        public boolean wantsOutgoingConnections() {
            return false;
        }
    }
}
