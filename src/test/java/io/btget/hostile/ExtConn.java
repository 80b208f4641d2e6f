package io.btget.hostile;

import io.btget.bencode.BDict;
import io.btget.bencode.BInt;
import io.btget.bencode.BValue;
import io.btget.bencode.Bencode;
import io.btget.bencode.BencodeLimits;
import io.btget.hostile.FakePeer.Conn;
import io.btget.hostile.Wire.Frame;
import java.io.EOFException;
import java.io.IOException;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One connection of a fake peer that speaks the extension protocol (BEP 10) and what rides on it: ut_metadata
 * (BEP 9), ut_pex (BEP 11), and the Fast messages (BEP 6), all as raw frames built in the test ({@link Wire}), so
 * that it can say anything, honest or not. What btget does on the connection is recorded in the peer's
 * {@link Observed}, shared by all its connections, for the test to assert on afterwards.
 */
final class ExtConn {
    /** The ids we give our extensions in our {@code m} (BEP 10: the receiver picks; Transmission uses 3). */
    static final int OUR_UT_METADATA = 3;
    static final int OUR_UT_PEX = 1;
    /** ut_metadata piece size (BEP 9). */
    static final int METADATA_PIECE = 16 * 1024;

    /** What btget did to one fake peer, over all its connections. */
    static final class Observed {
        /** btget's reserved handshake bytes, one entry per connection. */
        final List<byte[]> reserved = new CopyOnWriteArrayList<>();
        /** btget's extended handshakes (BEP 10 dict), as decoded. */
        final List<BDict> extendedHandshakes = new CopyOnWriteArrayList<>();
        /** Extended ids btget used after its handshake (they must be ids we gave in our {@code m}). */
        final List<Integer> extendedIdsUsed = new CopyOnWriteArrayList<>();
        /** ut_metadata requests btget sent (the piece of each). */
        final List<Long> metadataRequests = new CopyOnWriteArrayList<>();
        /** ut_pex payloads btget sent. */
        final List<byte[]> pexPayloads = new CopyOnWriteArrayList<>();
        /** Block requests btget sent: piece, offset, length. */
        final List<int[]> blockRequests = new CopyOnWriteArrayList<>();
        /** Set once the hostile part of the script has been played (the case was exercised). */
        final AtomicBoolean exercised = new AtomicBoolean();
        /** Connections btget closed (we read end of stream or a reset). */
        final AtomicInteger closedByBtget = new AtomicInteger();
        /** When the hostile part was played and when btget closed afterwards (nanoTime; 0 = not yet). */
        volatile long exercisedAt;
        volatile long closedAt;
        /** Counted down once when this peer's case is first played (tests gate the honest peers on it). */
        private final java.util.concurrent.CountDownLatch gate;

        Observed() {
            this(new java.util.concurrent.CountDownLatch(1));
        }

        Observed(java.util.concurrent.CountDownLatch gate) {
            this.gate = gate;
        }

        void exercised() {
            if (exercised.compareAndSet(false, true)) {
                exercisedAt = System.nanoTime();
                gate.countDown();
            }
        }

        /** Whether btget closed a connection within {@code seconds} of the hostile part being played. */
        boolean closedWithin(double seconds) {
            return exercised.get() && closedAt != 0 && closedAt - exercisedAt <= (long) (seconds * 1e9);
        }

        Optional<BDict> extendedHandshake() {
            return extendedHandshakes.isEmpty() ? Optional.empty() : Optional.of(extendedHandshakes.get(0));
        }
    }

    final Conn c;
    final TestSwarm swarm;
    final Observed observed;
    /** btget's handshake dictionary on this connection, once read. */
    volatile BDict btgetHandshake;
    /** The info hash we say we have in our handshake: the swarm's unless a test sets another. */
    byte[] infoHash;
    /** Called after each block this connection serves (tests note when serving began). */
    Runnable onBlockServed = () -> { };

    ExtConn(Conn c, Observed observed) {
        this.c = c;
        this.swarm = c.swarm;
        this.observed = observed;
        this.infoHash = c.swarm.infoHash;
    }

    /** Reads btget's 68-byte handshake (it dialled us), then answers with ours carrying {@code reserved}. */
    void acceptHandshake(byte[] reserved) throws IOException {
        readHandshake();
        sendHandshake(reserved);
    }

    /** We dialled btget: handshake first, then read its answer. */
    void openHandshake(byte[] reserved) throws IOException {
        sendHandshake(reserved);
        readHandshake();
    }

    private void readHandshake() throws IOException {
        byte[] h = new byte[68];
        try {
            c.in.readFully(h);
        } catch (EOFException | SocketException e) {
            closed();
            throw e;
        }
        observed.reserved.add(Arrays.copyOfRange(h, 20, 28));
    }

    private void sendHandshake(byte[] reserved) throws IOException {
        c.out.write(19);
        c.out.write("BitTorrent protocol".getBytes(StandardCharsets.US_ASCII));
        c.out.write(reserved);
        c.out.write(infoHash);
        c.out.write(FakePeer.uniquePeerId("-FX0001-"));
        c.out.flush();
    }

    void send(byte[] bytes) throws IOException {
        c.out.write(bytes);
        c.out.flush();
    }

    /** Our extended handshake with this (possibly malformed) bencoded payload. */
    void sendExtendedHandshake(byte[] payload) throws IOException {
        send(Wire.extended(Wire.EXTENDED_HANDSHAKE, payload));
    }

    /** An honest extended handshake of a peer without the metadata: ut_metadata and ut_pex at our ids. */
    static byte[] honestExtendedHandshake() {
        return extendedHandshake(null);
    }

    /** As above with {@code metadata_size} (whatever it is: hostile peers announce 0, -1, 2^31...). */
    static byte[] honestExtendedHandshake(long metadataSize) {
        return extendedHandshake(metadataSize);
    }

    private static byte[] extendedHandshake(Long metadataSize) {
        Map<String, Object> d = Ben.map("m", Ben.map("ut_metadata", OUR_UT_METADATA, "ut_pex", OUR_UT_PEX));
        if (metadataSize != null) {
            d.put("metadata_size", metadataSize);
        }
        d.put("reqq", 250);
        d.put("v", "btget-hostile-test");
        return Ben.encode(d);
    }

    /**
     * Reads one frame, recording what btget says; end of stream or a reset counts as btget closing the
     * connection (and is thrown on, which ends the script).
     */
    Frame read() throws IOException {
        Frame f;
        try {
            f = Wire.readFrame(c.in);
        } catch (SocketTimeoutException e) {
            throw e;
        } catch (EOFException | SocketException e) {
            closed();
            throw e;
        }
        if (f.id() == Wire.EXTENDED && f.payload().length >= 1) {
            int ext = f.payload()[0] & 0xff;
            if (ext == Wire.EXTENDED_HANDSHAKE) {
                BValue v = decode(f.extendedPayload());
                if (v instanceof BDict d) {
                    btgetHandshake = d;
                    observed.extendedHandshakes.add(d);
                }
            } else {
                observed.extendedIdsUsed.add(ext);
                if (ext == OUR_UT_METADATA && decode(f.extendedPayload()) instanceof BDict d
                        && intValue(d, "msg_type").orElse(-1L) == 0) {
                    observed.metadataRequests.add(intValue(d, "piece").orElse(-1L));
                } else if (ext == OUR_UT_PEX) {
                    observed.pexPayloads.add(f.extendedPayload());
                }
            }
        } else if (f.id() == Wire.REQUEST && f.payload().length == 12) {
            observed.blockRequests.add(new int[] {f.intAt(0), f.intAt(1), f.intAt(2)});
        }
        return f;
    }

    private void closed() {
        observed.closedByBtget.incrementAndGet();
        if (observed.closedAt == 0) {
            observed.closedAt = System.nanoTime();
        }
    }

    /** Reads until btget closes (recorded) or the socket times out. */
    void drain() throws IOException {
        while (true) {
            read();
        }
    }

    /** What to do with a frame read while waiting. */
    @FunctionalInterface
    interface FrameHandler {
        void on(Frame f) throws IOException;
    }

    /**
     * Reads (and records) what btget sends until {@code gate} opens or {@code millis} pass, handing each frame to
     * {@code handler}; btget closing the connection is recorded at once and ends the script (thrown).
     */
    void readUntil(java.util.concurrent.CountDownLatch gate, int millis, FrameHandler handler) throws IOException {
        int before = c.socket.getSoTimeout();
        long end = System.nanoTime() + millis * 1_000_000L;
        try {
            while (gate.getCount() > 0 && System.nanoTime() < end) {
                // peek one byte with a short timeout, so that nothing of a frame is lost to a timeout
                c.socket.setSoTimeout(100);
                c.in.mark(1);
                int b;
                try {
                    b = c.in.read();
                } catch (SocketTimeoutException e) {
                    continue;
                } catch (SocketException e) {
                    closed();
                    throw e;
                }
                if (b < 0) {
                    closed();
                    throw new EOFException("btget closed the connection");
                }
                c.in.reset();
                c.socket.setSoTimeout(before);
                handler.on(read());
            }
        } finally {
            c.socket.setSoTimeout(before);
        }
    }

    /** Waits up to {@code millis} for btget's extended handshake, answering nothing meanwhile. */
    Optional<BDict> awaitBtgetHandshake(int millis) throws IOException {
        int before = c.socket.getSoTimeout();
        long end = System.nanoTime() + millis * 1_000_000L;
        try {
            while (btgetHandshake == null && System.nanoTime() < end) {
                c.socket.setSoTimeout((int) Math.max(1, (end - System.nanoTime()) / 1_000_000L));
                try {
                    read();
                } catch (SocketTimeoutException e) {
                    break;
                }
            }
        } finally {
            c.socket.setSoTimeout(before);
        }
        return Optional.ofNullable(btgetHandshake);
    }

    /** btget's id for {@code extension} from its {@code m}, or {@code fallback} when it gave none. */
    int btgetId(String extension, int fallback) {
        BDict d = btgetHandshake;
        if (d == null) {
            return fallback;
        }
        return d.get("m").filter(BDict.class::isInstance).map(BDict.class::cast)
                .flatMap(m -> intValue(m, extension)).map(Long::intValue).orElse(fallback);
    }

    static BValue decode(byte[] payload) {
        try {
            return Bencode.decodePrefix(payload, BencodeLimits.NETWORK);
        } catch (RuntimeException e) {
            return null;
        }
    }

    static Optional<Long> intValue(BDict d, String key) {
        return d.get(key).filter(BInt.class::isInstance).map(v -> ((BInt) v).value());
    }

    /**
     * The honest part of a seeder: unchoke on interest, serve requested blocks, answer ut_metadata requests
     * from {@code infoBytes} (or reject when null), until btget hangs up.
     */
    void serve(byte[] infoBytes) throws IOException {
        while (true) {
            Frame f = read();
            answer(f, infoBytes);
        }
    }

    /** Answers one frame as an honest seeder would. */
    void answer(Frame f, byte[] infoBytes) throws IOException {
        if (f.id() == Wire.INTERESTED) {
            send(Wire.frame(Wire.UNCHOKE));
        } else if (f.id() == Wire.REQUEST && f.payload().length == 12) {
            int piece = f.intAt(0);
            int offset = f.intAt(1);
            int length = f.intAt(2);
            if (piece >= 0 && piece < swarm.pieceCount && offset >= 0 && length > 0 && length <= 1 << 17
                    && offset + length <= swarm.pieceSize(piece)) {
                send(Wire.piece(piece, offset, swarm.block(piece, offset, length)));
                onBlockServed.run();
            }
        } else if (f.isExtended(OUR_UT_METADATA) && decode(f.extendedPayload()) instanceof BDict d
                && intValue(d, "msg_type").orElse(-1L) == 0) {
            long piece = intValue(d, "piece").orElse(-1L);
            int id = btgetId("ut_metadata", 0);
            if (id == 0) {
                return;
            }
            int pieces = infoBytes == null ? 0 : (infoBytes.length + METADATA_PIECE - 1) / METADATA_PIECE;
            if (piece < 0 || piece >= pieces) {
                send(Wire.extended(id, Wire.metadataReject(piece)));
            } else {
                int from = (int) piece * METADATA_PIECE;
                byte[] data = Arrays.copyOfRange(infoBytes, from, Math.min(infoBytes.length, from + METADATA_PIECE));
                send(Wire.extended(id, Wire.metadataData(piece, infoBytes.length, data)));
            }
        }
    }
}
