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
    private static final int ID_CHOKE = 0;
    private static final int ID_UNCHOKE = 1;
    private static final int ID_INTERESTED = 2;
    private static final int ID_HAVE = 4;
    private static final int ID_REQUEST = 6;
    private static final int ID_PIECE = 7;
    private static final int ID_BITFIELD = 5;
    private static final int ID_EXTENDED = 20;
    private static final int ID_HAVE_ALL = 0x0E;
    private static final int ID_HAVE_NONE = 0x0F;
    private static final int ID_REJECT = 0x10;
    private static final int ID_ALLOWED_FAST = 0x11;
    private static final int ID_PORT = 9;

    private final Ctx ctx = new Ctx();
    private final List<AutoCloseable> toClose = new ArrayList<>();
    private final CompletableFuture<Boolean> closedMisbehaved = new CompletableFuture<>();
    private final CompletableFuture<String> closedReason = new CompletableFuture<>();

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

    // ---- review of issue 9: floods, the outbox bound, lazy extension messages, reqq, allowed fast ----

    @Test
    void aPeerThatKeepsRequestingWhileChokedIsDroppedAsMisbehaving() throws Exception {
        // Review of issue 9, defect 1: every request made while choked queued a REJECT_REQUEST; a peer sending two
        // million of them and never reading grew our outbox to 1.77 M entries and stayed connected.
        ctx.have.setAll();
        Socket peer = connect(true, false);
        int notAllowed = notAllowedFast();
        ctx.connection.start();
        DataOutputStream out = new DataOutputStream(new java.io.BufferedOutputStream(peer.getOutputStream()));
        byte[] request = ByteBuffer.allocate(12).putInt(notAllowed).putInt(0).putInt(BlockRequest.BLOCK_SIZE).array();
        try {
            for (int i = 0; i <= Limits.MAX_REFUSED_REQUESTS && !closedMisbehaved.isDone(); i++) {
                send(out, ID_REQUEST, request); // this peer never reads a byte
            }
        } catch (IOException e) {
            // hung up on while still flooding
        }
        assertThat(closedMisbehaved.get(10, TimeUnit.SECONDS)).as("dropped as misbehaving").isTrue();
        assertThat(closedReason.get()).contains("refuse");
    }

    @Test
    void aPeerThatRequestsBlocksDuringTheMetadataStageIsDroppedAsMisbehaving() throws Exception {
        // Review of issue 9, defect 1: the same flood before we have the metadata cannot grow the outbox either
        // (the codec already calls a REQUEST before the piece lengths are known a violation: the first one ends it).
        ctx.metadataKnown = false;
        Socket peer = connect(true, false);
        ctx.connection.start();
        DataOutputStream out = new DataOutputStream(new java.io.BufferedOutputStream(peer.getOutputStream()));
        byte[] request = ByteBuffer.allocate(12).putInt(0).putInt(0).putInt(BlockRequest.BLOCK_SIZE).array();
        try {
            for (int i = 0; i <= Limits.MAX_REFUSED_REQUESTS && !closedMisbehaved.isDone(); i++) {
                send(out, ID_REQUEST, request);
            }
        } catch (IOException e) {
            // hung up on while still flooding
        }
        assertThat(closedMisbehaved.get(10, TimeUnit.SECONDS)).as("dropped as misbehaving").isTrue();
    }

    @Test
    void requestsRefusedBeforeAnUnchokeDoNotCountAfterIt() throws Exception {
        ctx.have.setAll();
        Socket peer = connect(true, false);
        int notAllowed = notAllowedFast();
        ctx.connection.start();
        DataOutputStream out = new DataOutputStream(peer.getOutputStream());
        byte[] request = ByteBuffer.allocate(12).putInt(notAllowed).putInt(0).putInt(BlockRequest.BLOCK_SIZE).array();
        for (int i = 0; i < Limits.MAX_REFUSED_REQUESTS; i++) {
            send(out, ID_REQUEST, request);
        }
        int rejects = 0;
        while (rejects < Limits.MAX_REFUSED_REQUESTS) {
            if (readSkipping(peer, ID_HAVE_ALL, ID_ALLOWED_FAST).id == ID_REJECT) {
                rejects++;
            }
        }
        ctx.connection.unchoke();
        ctx.connection.choke();
        send(out, ID_REQUEST, request); // one more while choked: the count started again at the unchoke
        assertThat(readSkipping(peer, ID_UNCHOKE, ID_CHOKE).id).isEqualTo(ID_REJECT);
        assertThat(ctx.connection.isClosed()).isFalse();
    }

    @Test
    void aPeerThatStopsReadingIsDroppedOnceItsOutboxIsFull() throws Exception {
        // Review of issue 9, defect 1: the outbox had no bound; messages for a peer that never reads piled up.
        Socket peer = connect(true, false, 4096);
        ctx.connection.start();
        PeerConnection c = ctx.connection;
        for (int i = 0; i < 20 * Limits.MAX_OUTBOX_MESSAGES && !closedReason.isDone(); i++) {
            c.announceHave(i % PIECES); // the peer's socket stops taking them after a few kilobytes
        }
        assertThat(closedReason.get(10, TimeUnit.SECONDS)).as("dropped once its outbox is full")
                .startsWith("not reading");
        assertThat(closedMisbehaved.get()).isFalse();
    }

    @Test
    void lazilySentExtensionMessagesArePulledByTheWriterUnderThePeersId() throws Exception {
        java.util.concurrent.atomic.AtomicReference<io.btget.peer.ext.ExtensionPeer> seen =
                new java.util.concurrent.atomic.AtomicReference<>();
        ctx.registry = new ExtensionRegistry(List.of(new io.btget.peer.ext.Extension() {
            @Override
            public String name() {
                return "lt_test";
            }

            @Override
            public Session open(io.btget.peer.ext.ExtensionPeer peer) {
                seen.set(peer);
                return payload -> { };
            }
        }));
        Socket peer = connect(false, true);
        ctx.connection.start();
        assertThat(read(peer).id).isEqualTo(ID_EXTENDED); // our extended handshake
        DataOutputStream out = new DataOutputStream(peer.getOutputStream());
        send(out, ID_EXTENDED, concat((byte) 0, ExtendedHandshake.builder().extension("lt_test", 9).build().encode()));
        for (int i = 0; i < 500 && ctx.connection.peerExtendedHandshake().isEmpty(); i++) {
            Thread.sleep(10); // the reader thread handles it; bounded by the class timeout
        }
        java.util.ArrayDeque<byte[]> owed = new java.util.ArrayDeque<>();
        java.util.concurrent.atomic.AtomicInteger polled = new java.util.concurrent.atomic.AtomicInteger();
        java.util.function.Supplier<java.util.Optional<byte[]>> source = () -> {
            synchronized (owed) {
                polled.incrementAndGet();
                return java.util.Optional.ofNullable(owed.poll());
            }
        };
        for (int round = 0; round < 2; round++) {
            synchronized (owed) {
                for (int i = 0; i < 3; i++) {
                    owed.add(new byte[] {(byte) round, (byte) i});
                }
            }
            seen.get().sendLazily("lt_test", source); // wakes the idle writer
            for (int i = 0; i < 3; i++) {
                Wire m = read(peer);
                assertThat(m.id).isEqualTo(ID_EXTENDED);
                assertThat(m.payload).containsExactly(9, round, i);
            }
        }
        assertThat(polled.get()).as("polled as the writer had room, not once per message owed up front")
                .isGreaterThanOrEqualTo(6);
    }

    @Test
    void noMoreRequestsAreInFlightThanThePeersReqq() throws Exception {
        // Review of issue 9, defect 7: the pipeline started at 32 requests whatever the peer's reqq.
        ctx.registry = new ExtensionRegistry(List.of());
        ctx.picker = new PiecePicker<>(PIECES, p -> BlockRequest.BLOCK_SIZE, new Bitfield(PIECES), new Random(1),
                PIECES); // every piece may be in flight: the pipeline depth, not the picker, limits the requests
        Socket peer = connect(true, true);
        ctx.picker.addPeer(ctx.connection, new Bitfield(PIECES));
        ctx.connection.start();
        DataOutputStream out = new DataOutputStream(peer.getOutputStream());
        send(out, ID_EXTENDED, concat((byte) 0, ExtendedHandshake.builder().reqq(5).build().encode()));
        send(out, ID_HAVE_ALL, new byte[0]);
        send(out, ID_UNCHOKE, new byte[0]);
        Wire request = readSkipping(peer, ID_HAVE_NONE, ID_ALLOWED_FAST, ID_INTERESTED, ID_EXTENDED);
        assertThat(request.id).isEqualTo(ID_REQUEST);
        assertThat(ctx.connection.outstandingRequests()).hasSizeLessThanOrEqualTo(5).isNotEmpty();
    }

    @Test
    void aPeerWithALongQueueGetsNoMoreThanEightMebibytesOfRequests() throws Exception {
        // Issue 11: libtorrent advertises reqq 2000; we kept all 2000 blocks (32 MiB, as many piece buffers) in flight
        // to a loopback seeder that answers within milliseconds, where 8 MiB is already far above the
        // bandwidth-delay product: the memory bought no speed.
        ctx.registry = new ExtensionRegistry(List.of());
        Socket peer = connect(true, true);
        ctx.connection.start();
        DataOutputStream out = new DataOutputStream(peer.getOutputStream());
        send(out, ID_EXTENDED, concat((byte) 0, ExtendedHandshake.builder().reqq(2000).build().encode()));
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (ctx.connection.pipelineCeiling() == Limits.DEFAULT_PIPELINE_CEILING && System.nanoTime() < deadline) {
            Thread.sleep(10); // until the reader has taken the handshake in
        }
        assertThat((long) ctx.connection.pipelineCeiling() * BlockRequest.BLOCK_SIZE).isLessThanOrEqualTo(8L << 20)
                .isGreaterThan((long) Limits.DEFAULT_PIPELINE_CEILING * BlockRequest.BLOCK_SIZE);
    }

    @Test
    void onceThePipeIsFullRequestsAreToppedUpInBatchesNotOneAnsweredBlockAtATime() throws Exception {
        // Issue 11: every answered block sent one REQUEST (a writer wake-up, a flush and a 17-byte send each).
        ctx.registry = new ExtensionRegistry(List.of());
        ctx.picker = new PiecePicker<>(PIECES, p -> BlockRequest.BLOCK_SIZE, new Bitfield(PIECES), new Random(1),
                PIECES);
        Socket peer = connect(true, true);
        ctx.picker.addPeer(ctx.connection, new Bitfield(PIECES));
        ctx.connection.start();
        DataOutputStream out = new DataOutputStream(peer.getOutputStream());
        send(out, ID_EXTENDED, concat((byte) 0, ExtendedHandshake.builder().reqq(500).build().encode()));
        send(out, ID_HAVE_ALL, new byte[0]);
        send(out, ID_UNCHOKE, new byte[0]);
        List<ByteBuffer> requested = new java.util.ArrayList<>();
        while (requested.size() < Limits.INITIAL_PIPELINE) {
            requested.add(ByteBuffer.wrap(readSkipping(peer, ID_HAVE_NONE, ID_ALLOWED_FAST, ID_INTERESTED,
                    ID_EXTENDED).payload));
        }
        // One block answered, then a request for a piece we lack: its REJECT comes after whatever the block's
        // handling sent (one reader handles both in order, one writer sends in order).
        answer(out, requested.get(0));
        send(out, ID_REQUEST, ByteBuffer.allocate(12).putInt(0).putInt(0).putInt(BlockRequest.BLOCK_SIZE).array());
        assertThat(requestsBeforeReject(peer)).as("requests after one answered block of a full pipe").isZero();
        for (int i = 1; i <= Limits.INITIAL_PIPELINE / 8; i++) {
            answer(out, requested.get(i));
        }
        send(out, ID_REQUEST, ByteBuffer.allocate(12).putInt(0).putInt(0).putInt(BlockRequest.BLOCK_SIZE).array());
        assertThat(requestsBeforeReject(peer)).as("one batch once an eighth of the pipe is answered")
                .isGreaterThanOrEqualTo(Limits.INITIAL_PIPELINE / 8);
    }

    private static void answer(DataOutputStream out, ByteBuffer request) throws IOException {
        byte[] piece = ByteBuffer.allocate(8 + BlockRequest.BLOCK_SIZE).putInt(request.getInt(0))
                .putInt(request.getInt(4)).array();
        send(out, ID_PIECE, piece);
    }

    private static int requestsBeforeReject(Socket peer) throws IOException {
        int requests = 0;
        while (true) {
            Wire m = read(peer);
            if (m.id == ID_REJECT) {
                return requests;
            }
            if (m.id == ID_REQUEST) {
                requests++;
            }
        }
    }

    @Test
    void whileChokedOnlyTheAllowedFastPiecesThePeerHasAreRequested() throws Exception {
        // Review of issue 9, defect 4: ALLOWED_FAST from the peer was stored and never used.
        Socket peer = connect(true, false);
        ctx.picker.addPeer(ctx.connection, new Bitfield(PIECES));
        ctx.connection.start();
        DataOutputStream out = new DataOutputStream(peer.getOutputStream());
        send(out, ID_HAVE_ALL, new byte[0]);
        send(out, ID_ALLOWED_FAST, ByteBuffer.allocate(4).putInt(37).array()); // and it never unchokes us
        Wire request = readSkipping(peer, ID_HAVE_NONE, ID_ALLOWED_FAST, ID_INTERESTED);
        assertThat(request.id).isEqualTo(ID_REQUEST);
        assertThat(ByteBuffer.wrap(request.payload).getInt()).isEqualTo(37);
        assertThat(ctx.connection.outstandingRequests()).extracting(BlockRequest::piece).containsOnly(37);
    }

    @Test
    void everyRequestIsAnsweredWithItsBlockOrARejectWhateverTheChokerDoes() throws Exception {
        // Review of issue 9, defect 2: the writer took a queued request off the list, the choker then set
        // amChoking and found nothing to reject, and the writer dropped it: neither block nor reject (BEP 6).
        // A race: this repeats it many times; it cannot force the interleaving.
        ctx.have.setAll();
        ctx.blocks = true;
        Socket peer = connect(true, false);
        ctx.connection.start();
        DataOutputStream out = new DataOutputStream(new java.io.BufferedOutputStream(peer.getOutputStream()));
        int requests = 0;
        int answered = 0;
        for (int round = 0; round < 200; round++) {
            ctx.connection.unchoke();
            assertThat(readSkipping(peer, ID_HAVE_ALL, ID_ALLOWED_FAST, ID_CHOKE).id).isEqualTo(ID_UNCHOKE);
            for (int piece = 0; piece < 8; piece++) {
                send(out, ID_REQUEST, ByteBuffer.allocate(12).putInt(piece).putInt(0).putInt(BlockRequest.BLOCK_SIZE)
                        .array());
                requests++;
            }
            out.flush();
            ctx.connection.choke();
            // every request of this round is answered: the block or a reject, before the next unchoke
            int thisRound = 0;
            while (thisRound < 8) {
                Wire m = read(peer);
                if (m.id == ID_PIECE || m.id == ID_REJECT) {
                    thisRound++;
                }
            }
            answered += thisRound;
        }
        assertThat(answered).isEqualTo(requests);
    }

    private int notAllowedFast() {
        List<Integer> allowed = AllowedFast.compute(InetAddress.getLoopbackAddress(), ctx.infoHash(), PIECES,
                AllowedFast.DEFAULT_K);
        int notAllowed = 0;
        while (allowed.contains(notAllowed)) {
            notAllowed++;
        }
        return notAllowed;
    }

    // ---- BEP 5: the DHT bit and PORT ----

    @Test
    void whenBothSidesSetTheDhtBitOurPortFollowsTheBitfield() throws Exception {
        ctx.dhtPort = 6881;
        ctx.have.setAll();
        Socket peer = connect(true, false, 0, true);
        assertThat(ctx.connection.supportsDht()).isTrue();
        ctx.connection.start();
        assertThat(read(peer).id).isEqualTo(ID_HAVE_ALL);
        Wire port = read(peer);
        assertThat(port.id).isEqualTo(ID_PORT);
        assertThat(ByteBuffer.wrap(port.payload).getShort() & 0xffff).isEqualTo(6881);
    }

    @Test
    void aPeerWithoutTheDhtBitGetsNoPort() throws Exception {
        ctx.dhtPort = 6881;
        ctx.have.setAll();
        Socket peer = connect(true, false, 0, false);
        ctx.connection.start();
        ctx.connection.unchoke();
        assertThat(read(peer).id).isEqualTo(ID_HAVE_ALL);
        assertThat(readSkipping(peer, ID_ALLOWED_FAST).id).isEqualTo(ID_UNCHOKE);
    }

    @Test
    void withoutADhtNodeOurHandshakeHasNoDhtBitAndNoPortIsSent() throws Exception {
        ctx.dhtPort = 0; // DHT off, or a private torrent (BEP 27)
        assertThat(Handshake.ours(ctx.infoHash(), ctx.ourPeerId(), ctx.features()).supportsDht()).isFalse();
        ctx.have.setAll();
        Socket peer = connect(true, false, 0, true);
        assertThat(ctx.connection.supportsDht()).isFalse();
        ctx.connection.start();
        ctx.connection.unchoke();
        assertThat(read(peer).id).isEqualTo(ID_HAVE_ALL);
        assertThat(readSkipping(peer, ID_ALLOWED_FAST).id).isEqualTo(ID_UNCHOKE);
    }

    @Test
    void aPeersPortGivesItsDhtNodeOncePerConnection() throws Exception {
        ctx.dhtPort = 6881;
        Socket peer = connect(true, false, 0, true);
        ctx.connection.start();
        DataOutputStream out = new DataOutputStream(peer.getOutputStream());
        send(out, ID_PORT, new byte[] {0x1a, (byte) 0xe1}); // 6881
        send(out, ID_PORT, new byte[] {0x1a, (byte) 0xe2}); // a second one is not acted on
        send(out, ID_HAVE_ALL, new byte[0]);
        awaitSeed();
        assertThat(ctx.dhtNodes).containsExactly(new java.net.InetSocketAddress(InetAddress.getLoopbackAddress(), 6881));
        assertThat(closedReason).isNotDone();
    }

    @Test
    void theYouripOfAPeerWeDialledIsReportedAsOurExternalAddress() throws Exception {
        ctx.registry = new ExtensionRegistry(List.of());
        Socket peer = connect(true, true);
        ctx.connection.start();
        DataOutputStream out = new DataOutputStream(peer.getOutputStream());
        InetAddress seen = InetAddress.getByName("203.0.113.7");
        send(out, ID_EXTENDED, concat((byte) 0, ExtendedHandshake.builder().yourip(seen).build().encode()));
        send(out, ID_HAVE_ALL, new byte[0]);
        awaitSeed();
        assertThat(ctx.externalReports).containsExactly(seen);
    }

    @Test
    void aPortFromAPeerWithoutTheDhtBitOrOfZeroIsIgnoredNotAViolation() throws Exception {
        ctx.dhtPort = 6881;
        Socket peer = connect(true, false, 0, false);
        ctx.connection.start();
        DataOutputStream out = new DataOutputStream(peer.getOutputStream());
        send(out, ID_PORT, new byte[] {0x1a, (byte) 0xe1});
        send(out, ID_HAVE_ALL, new byte[0]);
        awaitSeed();
        assertThat(ctx.dhtNodes).isEmpty();
        assertThat(closedReason).isNotDone();
    }

    @Test
    void aPortOfZeroIsIgnored() throws Exception {
        ctx.dhtPort = 6881;
        Socket peer = connect(true, false, 0, true);
        ctx.connection.start();
        DataOutputStream out = new DataOutputStream(peer.getOutputStream());
        send(out, ID_PORT, new byte[] {0, 0});
        send(out, ID_HAVE_ALL, new byte[0]);
        awaitSeed();
        assertThat(ctx.dhtNodes).isEmpty();
    }

    @Test
    void aPrivateTorrentActsOnNoPort() throws Exception {
        ctx.dhtPort = 0;
        Socket peer = connect(true, false, 0, true);
        ctx.connection.start();
        DataOutputStream out = new DataOutputStream(peer.getOutputStream());
        send(out, ID_PORT, new byte[] {0x1a, (byte) 0xe1});
        send(out, ID_HAVE_ALL, new byte[0]);
        awaitSeed();
        assertThat(ctx.dhtNodes).isEmpty();
    }

    /** The reader handled the peer's HAVE_ALL, so everything sent before it too (bounded by the class timeout). */
    private void awaitSeed() throws InterruptedException {
        while (!ctx.connection.isSeed()) {
            Thread.sleep(5);
        }
    }

    // ---- plumbing ----

    /** A connected socket pair on loopback; our end wrapped in a (not yet started) connection. */
    private Socket connect(boolean peerFast, boolean peerExtensions) throws IOException {
        return connect(peerFast, peerExtensions, 0);
    }

    /** As {@link #connect(boolean, boolean)}; with {@code buffers} > 0, socket buffers that small (a peer not reading). */
    private Socket connect(boolean peerFast, boolean peerExtensions, int buffers) throws IOException {
        return connect(peerFast, peerExtensions, buffers, false);
    }

    /** As above; {@code peerDht}: the peer sets the BEP 5 DHT bit. */
    private Socket connect(boolean peerFast, boolean peerExtensions, int buffers, boolean peerDht) throws IOException {
        ServerSocket server = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
        toClose.add(server);
        Socket peer = new Socket();
        toClose.add(peer);
        if (buffers > 0) {
            peer.setReceiveBufferSize(buffers);
        }
        peer.connect(server.getLocalSocketAddress());
        peer.setSoTimeout(10_000);
        Socket ours = server.accept();
        toClose.add(ours);
        if (buffers > 0) {
            ours.setSendBufferSize(buffers);
        }
        Handshake us = Handshake.ours(ctx.infoHash(), ctx.ourPeerId(), ctx.features());
        Handshake them = Handshake.ours(ctx.infoHash(), PeerId.generate(new Random(7)),
                new Handshake.Features(peerExtensions, peerFast, peerDht));
        ctx.connection = PeerConnection.over(new TcpTransport(ours), us, them, false, ctx,
                (conn, why, bad) -> {
                    closedReason.complete(why);
                    closedMisbehaved.complete(bad);
                });
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
        PiecePicker<PeerConnection> picker = new PiecePicker<>(PIECES, p -> BlockRequest.BLOCK_SIZE,
                new Bitfield(PIECES), new Random(1), 4);
        final RateLimiter unlimited = new RateLimiter(0);
        final PeerId id = PeerId.generate(new Random(99));
        ExtensionRegistry registry;
        PeerConnection connection;
        /** False for a magnet's metadata stage (metadata mode). */
        volatile boolean metadataKnown = true;
        /** Whether blocks can be read from "disk" (zeros) for uploads. */
        volatile boolean blocks;
        /** Our DHT node's port; 0: no DHT for this torrent (off, or private), so no DHT bit either. */
        volatile int dhtPort;
        /** Nodes the connection reported from PORT messages. */
        final List<java.net.InetSocketAddress> dhtNodes = new java.util.concurrent.CopyOnWriteArrayList<>();
        final List<InetAddress> externalReports = new java.util.concurrent.CopyOnWriteArrayList<>();

        @Override
        public void externalAddressReported(InetAddress external, InetAddress reporter) {
            externalReports.add(external);
        }

        @Override
        public Handshake.Features features() {
            return Handshake.Features.ALL.withDht(dhtPort > 0);
        }

        @Override
        public int dhtPort() {
            return dhtPort;
        }

        @Override
        public void dhtNodeLearnt(java.net.InetSocketAddress node) {
            dhtNodes.add(node);
        }

        @Override
        public boolean metadataKnown() {
            return metadataKnown;
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
            return blocks;
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
