package io.btget.peer;

import io.btget.piece.Bitfield;
import io.btget.piece.BlockRequest;
import io.btget.piece.BlockResult;
import io.btget.piece.PiecePicker;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import io.btget.net.Transport;
import io.btget.peer.ext.AllowedFast;
import io.btget.peer.ext.ExtendedHandshake;
import io.btget.peer.ext.ExtensionPeer;
import io.btget.peer.ext.ExtensionRegistry;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One connected peer after the handshake: a reader thread that blocks on the socket and handles every incoming
 * message, and a writer thread that drains this connection's outbox. Nobody else writes to the socket, so no
 * caller (a HAVE broadcast, the choker) ever blocks on a slow peer while holding shared state.
 *
 * <p>Downloading: keeps a pipeline of block requests whose depth follows the peer's rate (hundreds of 16 KiB
 * requests for a fast loopback peer, a few for a slow one). Uploading: queues the peer's requests while we
 * unchoke it and serves them from disk on the writer thread, honouring CANCEL.
 *
 * <p>Lifecycle: {@link PeerPool} is the one owner. It builds the connection, registers it with the picker, lists
 * it, and only then calls {@link #start()}. Between listing and start, other threads can already choke, unchoke or
 * announce HAVEs to it: those messages wait in a pre-start buffer until start has queued our BITFIELD (BEP 3: the
 * bitfield may only be the first message after the handshake). {@link #close} (from any thread, any number of times) marks it closed
 * once and hands it back to its {@link Owner}, which takes it off every list at once. A closed connection ignores
 * {@link #tick()}, choking and HAVEs, so a caller holding a stale snapshot of the list does no harm.
 *
 * <p>Threads: the reader thread, the writer thread, the session's tick thread, and other connections' reader
 * threads (HAVE broadcast, endgame CANCEL) call in. Who may touch each mutable field is written next to it.
 */
public final class PeerConnection implements WireCodec.BlockDestination, BlockSource {
    private static final Logger log = LoggerFactory.getLogger(PeerConnection.class);

    /** Who is told, once, that a connection ended: it takes the connection off every list (the pool). */
    interface Owner {
        void closed(PeerConnection connection, String reason, boolean misbehaved);

        /** An incoming peer told us its listen port (BEP 10 {@code p}): it can be dialled back and passed on. */
        default void learntListenPort(PeerConnection connection, int port) {
        }
    }

    /** Our client name and version in the extended handshake ({@code v}, BEP 10). */
    public static final String CLIENT_NAME = "btget 0.1";

    private final Transport transport;
    private final InetSocketAddress address;
    private final PeerId remotePeerId;
    /** Reserved handshake bytes: ours as sent, theirs as received (BEP 3; bits from BEP 6, 10). Never mutated. */
    private final byte[] ourReserved;
    private final byte[] theirReserved;
    private final boolean incoming;
    private final TorrentContext ctx;
    private final WireCodec codec;
    /** Null in metadata mode. */
    private final PiecePicker<? super PeerConnection> picker;
    /**
     * The torrent's info dictionary was not known when this connection was made (a magnet's metadata stage): no
     * piece count, so piece-indexed messages are set aside, nothing is requested or served. Only the extension
     * protocol (BEP 9 metadata) runs. The session replaces such connections once the metadata is verified.
     */
    private final boolean metadataMode;
    /** BEP 10 dispatch for this connection, null when either side lacks the extension bit. */
    private final ExtensionRegistry.Dispatcher extensions;
    /** The peer's latest extended handshake (reader writes; anyone reads). */
    private volatile ExtendedHandshake peerExtendedHandshake;
    /** The peer's {@code reqq} (BEP 10), 0 when it gave none. Reader writes; pipeline code reads. */
    private volatile int peerReqq;
    /** Both sides set the BEP 6 Fast bit. Fixed at construction. */
    private final boolean fast;
    /**
     * Pieces this peer may request while we choke it (BEP 6 allowed fast set, k = {@link AllowedFast#DEFAULT_K});
     * empty without Fast or without metadata. Immutable.
     */
    private final Set<Integer> allowedFastForPeer;
    /** Pieces the peer said we may request while it chokes us (BEP 6). Guarded by {@code this}; bounded. */
    private final Set<Integer> allowedFastFromPeer = new HashSet<>();
    /** REJECT_REQUESTs for blocks not outstanding (late, after a cancel or release). Reader thread only. */
    private int strayRejects;
    private final DataInputStream in;
    private final DataOutputStream out;
    private final Owner owner;
    private final long connectedAt = System.nanoTime();

    /**
     * Thread-safe queue: anyone adds (through {@link #enqueue}), the writer drains. Bounded by
     * {@link Limits#MAX_OUTBOX_MESSAGES} and {@link Limits#MAX_OUTBOX_BYTES}: past either, the peer is not reading
     * and is dropped.
     */
    private final LinkedBlockingQueue<Object> outbox = new LinkedBlockingQueue<>();
    /** Bytes (as sent, uploads counted by their request) in {@link #outbox}: added on enqueue, taken off by the writer. */
    private final AtomicLong outboxBytes = new AtomicLong();
    /** Why the outbox overflowed, once it has: {@link #close} reports this reason, whoever gets there. */
    private volatile String overflowReason;
    /** Wakes an idle writer to poll {@link #lazySources} (never written to the wire, not counted). */
    private static final Object WAKE = new Object();
    /**
     * Extensions' lazy message sources by extension name ({@link ExtensionPeer#sendLazily}); extension threads
     * put, the writer polls.
     */
    private final Map<String, Supplier<Optional<byte[]>>> lazySources = new ConcurrentHashMap<>();
    /** Some lazy source may have a message: set by {@code sendLazily}, cleared by the writer before it polls. */
    private final AtomicBoolean pullWanted = new AtomicBoolean();
    /**
     * Requests refused since our last UNCHOKE (REJECT_REQUEST sent: we choke the peer, lack the piece, or its
     * queue is full); past {@link Limits#MAX_REFUSED_REQUESTS} the peer is dropped (BEP 6). The reader counts,
     * {@link #unchoke} resets.
     */
    private final AtomicInteger refusedRequests = new AtomicInteger();
    /** Thread-safe set: the reader adds, the writer and the choker remove. */
    private final Set<Message.Request> pendingUploads = ConcurrentHashMap.newKeySet();
    /** Set once, by whoever closes first. */
    private final AtomicBoolean closed = new AtomicBoolean();
    /**
     * Messages sent before {@link #start()} queued our BITFIELD (the connection is listed a moment before it
     * starts). Guarded by {@code preStartLock}, which is taken innermost and never held while calling out. Bounded
     * by what the session can send in that window: at most one HAVE per piece (and those folded into the
     * bitfield are dropped), plus a few choke and interest changes.
     */
    private final List<Message> preStart = new ArrayList<>();
    private final Object preStartLock = new Object();
    /** False until start has queued our BITFIELD; written under {@code preStartLock}, read anywhere. */
    private volatile boolean started;

    /** Our requests still unanswered. Guarded by {@code this}. */
    private final Set<BlockRequest> outstanding = new HashSet<>();
    /** Guarded by {@code this}. Null in metadata mode. */
    private Bitfield peerHas;

    /**
     * Written under {@code this} by the session thread (choker), which also clears {@code pendingUploads} then; the
     * reader queues a request under {@code this} only while it is false; the writer reads it (volatile).
     */
    private volatile boolean amChoking = true;
    /** Read and written under {@code this} (interest is decided check-then-act from several threads). */
    private boolean amInterested;
    /** Reader writes; tick, fillPipeline and the picker (lagging) read. */
    private volatile boolean peerChoking = true;
    /** A CHOKE arrived while our requests were outstanding: the peer dropped them. Guarded by {@code this}. */
    private boolean requestsDroppedByChoke;
    /** Reader writes; the session (choker) reads. */
    private volatile boolean peerInterested;
    /** Tick sets, the reader clears on a block; a lost update only delays the verdict by a tick. */
    private volatile boolean snubbed;
    /** Reader writes; tick and the picker (lagging) read. */
    private volatile long lastBlockAt = System.nanoTime();
    /** When the reservations of this snubbing peer were last given back (session tick thread only). */
    private long lastSnubRelease = System.nanoTime() - TimeUnit.SECONDS.toNanos(Limits.SNUB_SECONDS + 1);
    /** Writer writes; tick reads (keep-alive). */
    private volatile long lastSentAt = System.nanoTime();
    /** Guarded by {@code this}: the reader grows it, the tick shrinks it. */
    private int pipelineDepth = Limits.INITIAL_PIPELINE;
    /** Reader thread only (volatile for the debug log). */
    private volatile int wastedBytes;
    /** Charged by whichever reader thread completes a failed piece. */
    private final java.util.concurrent.atomic.AtomicInteger hashFailures = new java.util.concurrent.atomic.AtomicInteger();
    /** A PORT message (BEP 5) was acted on already: at most one per connection is (reader thread sets it). */
    private final java.util.concurrent.atomic.AtomicBoolean dhtPortTaken = new java.util.concurrent.atomic.AtomicBoolean();

    /** The block being read into a piece buffer right now (reader thread only). */
    private BlockRequest blockInProgress;
    private byte[] bufferInProgress;
    /** When the block being read began to arrive, 0 when none is (reader writes, {@link #tick} reads). */
    private volatile long blockStartedAt;
    /** The picker's verdict on the PIECE message being read (reader thread only). */
    private BlockResult<?> lastResult;
    private boolean lastWasRequested;

    final RateMeter downloadRate = new RateMeter();
    final RateMeter uploadRate = new RateMeter();

    PeerConnection(Transport transport, DataInputStream in, DataOutputStream out, Handshake ours, Handshake theirs,
                          boolean incoming, TorrentContext ctx, Owner owner) {
        this.transport = transport;
        this.address = transport.remoteAddress();
        this.remotePeerId = theirs.peerId();
        this.ourReserved = ours.reserved();
        this.theirReserved = theirs.reserved();
        this.incoming = incoming;
        this.ctx = ctx;
        this.metadataMode = !ctx.metadataKnown();
        this.codec = metadataMode ? WireCodec.withoutMetadata() : new WireCodec(ctx.pieceCount(), ctx::pieceSize);
        this.picker = metadataMode ? null : ctx.picker();
        this.in = in;
        this.out = out;
        this.owner = owner;
        this.peerHas = metadataMode ? null : new Bitfield(ctx.pieceCount());
        this.fast = supportsFast();
        this.allowedFastForPeer = fast && !metadataMode && ctx.pieceCount() > 0
                ? Set.copyOf(AllowedFast.compute(address.getAddress(), ctx.infoHash(), ctx.pieceCount(),
                        AllowedFast.DEFAULT_K))
                : Set.of();
        ExtensionRegistry registry = ctx.extensions();
        this.extensions = registry != null && supportsExtensions() ? registry.open(new ExtPeer()) : null;
    }

    /**
     * Wraps a handshaken transport in buffered streams sized for 16 KiB blocks.
     *
     * @param ours   the handshake we sent (our reserved bits)
     * @param theirs the handshake the peer sent (its reserved bits and peer id)
     */
    static PeerConnection over(Transport transport, Handshake ours, Handshake theirs, boolean incoming,
            TorrentContext ctx, Owner owner) throws IOException {
        DataInputStream in = new DataInputStream(new BufferedInputStream(transport.in(), 64 << 10));
        DataOutputStream out = new DataOutputStream(new BufferedOutputStream(transport.out(), 64 << 10));
        return new PeerConnection(transport, in, out, ours, theirs, incoming, ctx, owner);
    }

    /** BEP 10: both sides set the extension protocol bit, so extended messages may be exchanged. */
    public boolean supportsExtensions() {
        return Handshake.extensionBit(ourReserved) && Handshake.extensionBit(theirReserved);
    }

    /** BEP 6: both sides set the Fast bit, so HAVE_ALL, REJECT_REQUEST etc. may be exchanged. */
    public boolean supportsFast() {
        return Handshake.fastBit(ourReserved) && Handshake.fastBit(theirReserved);
    }

    /** BEP 5: both sides set the DHT bit, so each may tell the other its DHT port (PORT message). */
    public boolean supportsDht() {
        return Handshake.dhtBit(ourReserved) && Handshake.dhtBit(theirReserved);
    }

    /** The peer's reserved handshake bytes, as received (a copy). */
    public byte[] peerReserved() {
        return theirReserved.clone();
    }

    /**
     * Starts the writer and reader threads; the pool calls it once the connection is registered with the picker
     * and listed. The first message is our bitfield (BEP 3: only right after the handshake; none when we have no
     * piece), then whatever was sent to the connection since it was listed, in order, less the HAVEs the bitfield
     * already carries.
     *
     * <p>The bitfield is taken here, after listing, so no piece is lost: the session marks a piece ours before it
     * announces it to the listed connections, so a piece is either in this snapshot or announced to us by a HAVE.
     */
    void start() {
        byte[] bits = metadataMode ? null : ctx.ourBitfieldWire();
        Bitfield sent = bits == null ? null : Bitfield.fromWireBytes(bits, ctx.pieceCount());
        synchronized (preStartLock) {
            if (!closed.get()) {
                if (fast && sent != null && sent.isComplete()) {
                    enqueueQuietly(Message.HAVE_ALL); // BEP 6: in place of a full bitfield
                } else if (bits != null) {
                    enqueueQuietly(new Message.BitfieldMessage(bits));
                } else if (fast) {
                    enqueueQuietly(Message.HAVE_NONE); // BEP 6: with Fast, one of the three must come first
                }
                int dhtPort = ctx.dhtPort();
                if (supportsDht() && dhtPort > 0 && dhtPort <= 0xffff) {
                    enqueueQuietly(new Message.Port(dhtPort)); // BEP 5: right after the bitfield
                }
                for (int piece : allowedFastForPeer) {
                    enqueueQuietly(new Message.AllowedFast(piece));
                }
                if (extensions != null) {
                    // BEP 10: the extended handshake follows the BEP 3 handshake (after the bitfield, which must
                    // come first when sent).
                    ExtendedHandshake ours = ctx.extensions().ourHandshake(ctx.listenPort(), CLIENT_NAME,
                            Limits.OUR_REQQ, address.getAddress());
                    enqueueQuietly(new Message.Extended(0, ours.encode()));
                }
                for (Message m : preStart) {
                    if (!(m instanceof Message.Have h && sent != null && sent.get(h.piece()))) {
                        enqueueQuietly(m);
                    }
                }
            }
            preStart.clear();
            started = true;
        }
        Threads.start("peer-out " + address, this::writeLoop);
        Threads.start("peer-in " + address, this::readLoop);
    }

    // ---- reading ----

    private void readLoop() {
        String reason = "closed";
        boolean misbehaved = false;
        try {
            transport.setReadTimeout((int) TimeUnit.SECONDS.toMillis(Limits.IDLE_TIMEOUT_SECONDS));
            while (!closed.get()) {
                Message m = codec.read(in, this);
                blockInProgress = null;
                blockStartedAt = 0;
                handle(m);
            }
        } catch (WireException e) {
            reason = "protocol violation: " + e.getMessage();
            misbehaved = true;
        } catch (SocketTimeoutException e) {
            reason = "idle for " + Limits.IDLE_TIMEOUT_SECONDS + " s";
        } catch (EOFException e) {
            reason = "peer closed the connection";
        } catch (IOException e) {
            reason = closed.get() ? "closed" : "I/O error: " + e.getMessage();
        } catch (InterruptedException e) {
            reason = "interrupted";
        } catch (RuntimeException e) {
            // Storage failures surface to the session through its own path; here they end this connection.
            reason = "error: " + e;
            log.debug("{}: {}", address, reason, e);
        }
        BlockRequest torn = blockInProgress;
        blockInProgress = null;
        close(reason, misbehaved);
        if (torn != null) {
            ctx.blockLost(torn, bufferInProgress);
            bufferInProgress = null;
        }
    }

    private void handle(Message m) throws InterruptedException, WireException {
        if (m instanceof Message.Extended e) {
            onExtended(e);
            return;
        }
        if (m instanceof Message.Port p) {
            onPort(p.port());
            return;
        }
        if (isFastMessage(m) && !fast) {
            throw new WireException("BEP 6 message " + m.getClass().getSimpleName()
                    + " without the fast extension negotiated");
        }
        if (metadataMode) {
            if (m instanceof Message.Request r && fast) {
                refuse(r); // nothing to serve yet
            }
            // No piece count yet: what the peer has is learnt again on the connection that replaces this one.
            if (m instanceof Message.Interested) {
                peerInterested = true;
            } else if (m instanceof Message.NotInterested) {
                peerInterested = false;
            } else if (m instanceof Message.Choke) {
                peerChoking = true;
            } else if (m instanceof Message.Unchoke) {
                peerChoking = false;
            }
            return;
        }
        if (m instanceof Message.Piece p) {
            onPiece(p);
        } else if (m instanceof Message.Have h) {
            onHave(h.piece());
        } else if (m instanceof Message.Request r) {
            onRequest(r);
        } else if (m instanceof Message.Unchoke) {
            log.debug("{}: unchoked us", address);
            peerChoking = false;
            boolean resend;
            synchronized (this) {
                resend = requestsDroppedByChoke;
                requestsDroppedByChoke = false;
            }
            if (resend) {
                resendOutstanding();
            }
            fillPipeline();
        } else if (m instanceof Message.Choke) {
            // BEP 3: the peer drops our queued requests, but blocks it already sent are still on the way (seconds
            // of them behind a rate limit). Their reservations are kept until that data stops arriving (see
            // tick), so it is used instead of wasted and fetched again elsewhere.
            log.debug("{}: choked us", address);
            peerChoking = true;
            synchronized (this) {
                // BEP 6: under Fast a choke drops nothing; the peer rejects what it will not serve
                requestsDroppedByChoke = !fast && !outstanding.isEmpty();
            }
        } else if (m instanceof Message.Interested) {
            peerInterested = true;
            ctx.peerInterested(this);
        } else if (m instanceof Message.NotInterested) {
            peerInterested = false;
        } else if (m instanceof Message.BitfieldMessage b) {
            onBitfield(b.bits());
        } else if (m instanceof Message.Cancel c) {
            if (pendingUploads.remove(new Message.Request(c.piece(), c.offset(), c.length())) && fast) {
                // BEP 6: a cancelled request is answered, with the piece or a reject
                send(new Message.RejectRequest(c.piece(), c.offset(), c.length()));
            }
        } else if (m instanceof Message.HaveAll) {
            log.debug("{}: received HAVE_ALL", address);
            Bitfield all = new Bitfield(ctx.pieceCount());
            all.setAll();
            replacePeerHas(all);
        } else if (m instanceof Message.HaveNone) {
            log.debug("{}: received HAVE_NONE", address);
            replacePeerHas(new Bitfield(ctx.pieceCount()));
        } else if (m instanceof Message.RejectRequest r) {
            onReject(r);
        } else if (m instanceof Message.AllowedFast a) {
            synchronized (this) {
                if (allowedFastFromPeer.size() < Limits.MAX_ALLOWED_FAST_FROM_PEER) {
                    allowedFastFromPeer.add(a.piece());
                }
            }
            fillPipeline(); // BEP 6: we may request it although choked
        } else if (m instanceof Message.SuggestPiece sp) {
            log.debug("{}: suggests piece {} (ignored: the picker's order stands)", address, sp.piece());
        }
        // KeepAlive, Port and unknown ids need nothing from us.
    }

    /**
     * BEP 5 PORT: the peer's DHT node listens on {@code port} at the peer's IP. Acted on once per connection, only
     * when the peer set the DHT bit and we did too (we set it only when we run a DHT node for a public torrent);
     * otherwise ignored, not a violation (real clients send it regardless). Port 0 is ignored.
     */
    private void onPort(int port) {
        if (!supportsDht() || port < 1 || port > 0xffff || !dhtPortTaken.compareAndSet(false, true)) {
            log.debug("{}: PORT {} ignored", address, port);
            return;
        }
        ctx.dhtNodeLearnt(new InetSocketAddress(address.getAddress(), port));
    }

    /** BEP 10: id 0 is the extended handshake, others are our local ids of an extension. */
    private void onExtended(Message.Extended e) throws WireException {
        if (extensions == null) {
            return; // the peer did not set the bit (or we did not): BEP 10 says it must not send these; ignored
        }
        if (e.id() == 0) {
            ExtendedHandshake theirs = ExtendedHandshake.decode(e.payload());
            peerExtendedHandshake = theirs;
            theirs.reqq().ifPresent(q -> peerReqq = q);
            if (incoming) {
                theirs.p().ifPresent(port -> owner.learntListenPort(this, port));
            }
            if (!incoming) { // anyone can connect to us and claim anything: only peers we chose to dial vote
                theirs.yourip().ifPresent(ip -> ctx.externalAddressReported(ip, address.getAddress()));
            }
            log.debug("{}: extended handshake {}", address, theirs);
            extensions.peerHandshake(theirs);
        } else {
            extensions.dispatch(e.id(), e.payload());
        }
    }

    private static boolean isFastMessage(Message m) {
        return m instanceof Message.HaveAll || m instanceof Message.HaveNone || m instanceof Message.RejectRequest
                || m instanceof Message.AllowedFast || m instanceof Message.SuggestPiece;
    }

    /**
     * BEP 6 REJECT_REQUEST: the block goes back to the picker at once (asked again at the next tick, from whoever
     * has it). A reject for a block not outstanding is normal after a CANCEL or a release; past
     * {@link Limits#MAX_STRAY_REJECTS} of them the peer is dropped.
     */
    private void onReject(Message.RejectRequest r) throws WireException {
        BlockRequest block = new BlockRequest(r.piece(), r.offset(), r.length());
        boolean had;
        synchronized (this) {
            had = outstanding.remove(block);
            if (had) {
                picker.release(this, block);
            }
        }
        log.debug("{}: received REJECT for {}/{}+{}{}", address, r.piece(), r.offset(), r.length(),
                had ? "" : " (not outstanding)");
        if (!had && ++strayRejects > Limits.MAX_STRAY_REJECTS) {
            throw new WireException(strayRejects + " REJECT_REQUESTs for blocks we did not request");
        }
    }

    private void onBitfield(byte[] bits) throws WireException {
        Bitfield has;
        try {
            has = Bitfield.fromWireBytes(bits, ctx.pieceCount());
        } catch (IllegalArgumentException e) {
            throw new WireException("bad bitfield: " + e.getMessage());
        }
        replacePeerHas(has);
    }

    /** The peer's pieces are {@code has} from now on (BITFIELD, late BITFIELD, HAVE_ALL, HAVE_NONE). */
    private void replacePeerHas(Bitfield has) {
        List<Integer> abandoned;
        synchronized (this) {
            // aria2 sends a BITFIELD mid-connection when cheaper than HAVEs: it replaces what we knew.
            abandoned = picker.peerBitfieldReplaced(this, has);
            peerHas = has;
        }
        if (!abandoned.isEmpty()) {
            ctx.piecesAbandoned(abandoned);
        }
        updateInterest();
    }

    private void onHave(int piece) {
        synchronized (this) {
            if (peerHas.get(piece)) {
                return;
            }
            peerHas.set(piece);
            picker.peerHave(this, piece);
        }
        if (!amInterested()) {
            updateInterest();
        }
    }

    private void onRequest(Message.Request r) throws WireException {
        if (r.length() <= 0 || r.length() > Limits.MAX_SERVED_BLOCK) {
            if (fast) {
                refuse(r);
                return;
            }
            throw new WireException("request of " + r.length() + " bytes (we serve up to " + Limits.MAX_SERVED_BLOCK + ")");
        }
        if (r.offset() < 0 || (long) r.offset() + r.length() > ctx.pieceSize(r.piece())) {
            if (fast) {
                refuse(r);
                return;
            }
            throw new WireException("request outside piece " + r.piece() + ": " + r.offset() + "+" + r.length());
        }
        boolean allowedWhileChoked = allowedFastForPeer.contains(r.piece());
        if ((amChoking && !allowedWhileChoked) || !ctx.havePiece(r.piece())) {
            // BEP 3: requests while choked are dropped, a piece we lack is not served; BEP 6: say so
            if (fast) {
                refuse(r);
            }
            return;
        }
        synchronized (this) {
            // Checked again under the lock choke() takes: a request read just as we choke must not outlive the
            // CHOKE (it would be served after a quick unchoke, though the peer counts it as dropped).
            if (amChoking && !allowedWhileChoked) {
                if (fast) {
                    refuse(r);
                }
                return;
            }
            if (pendingUploads.size() >= Limits.MAX_QUEUED_UPLOAD_REQUESTS) {
                if (fast) {
                    refuse(r); // over our reqq and then some: refused, not queued
                    return;
                }
                throw new WireException("more than " + Limits.MAX_QUEUED_UPLOAD_REQUESTS + " queued requests");
            }
            if (pendingUploads.add(r)) {
                enqueue(new Upload(r));
            }
        }
    }

    /**
     * Called by the codec once a PIECE header is validated, before its data is read: asks the picker whether we
     * want this block and, if so, hands out the piece buffer so the data lands there directly.
     */
    @Override
    public byte[] bufferFor(int piece, int offset, int length) {
        if (metadataMode) {
            return null; // nothing was asked: read into a throwaway array
        }
        BlockRequest block = new BlockRequest(piece, offset, length);
        synchronized (this) {
            lastWasRequested = outstanding.remove(block);
        }
        lastResult = picker.blockReceived(this, block);
        if (!lastResult.accepted()) {
            return null; // read into a throwaway array
        }
        blockInProgress = block;
        blockStartedAt = System.nanoTime();
        bufferInProgress = ctx.pieceBuffer(piece);
        return bufferInProgress;
    }

    private void onPiece(Message.Piece p) throws InterruptedException {
        int length = p.length();
        BlockRequest block = new BlockRequest(p.piece(), p.offset(), length);
        BlockResult<?> result = lastResult;
        boolean requested = lastWasRequested;
        lastResult = null;
        downloadRate.add(length);
        if (result != null && result.accepted()) {
            // Counted before it is stored: if storing it fails (disk full), the session counts it as wasted.
            ctx.countDownloaded(length, false);
            ctx.blockStored(this, block, bufferInProgress);
            bufferInProgress = null;
            lastBlockAt = System.nanoTime();
            snubbed = false;
            for (Object o : result.cancelFrom()) {
                if (o instanceof PeerConnection other && other != this) {
                    other.guard("cancel", () -> other.cancel(block));
                } else if (o instanceof BlockSource other && o != this) {
                    other.cancel(block); // a web seed: it only forgets the block
                }
            }
            if (requested) {
                growPipeline();
            }
        } else {
            ctx.countDownloaded(length, true);
            wastedBytes += length;
            if (log.isDebugEnabled()) {
                log.debug("{}: wasted block {}/{} ({}, {})", address, block.piece(), block.offset(),
                        result == null ? "unknown" : result.status(), requested ? "requested" : "not requested");
            }
            if (!requested && wastedBytes > Limits.MAX_UNREQUESTED_BYTES) {
                close("sent " + wastedBytes + " bytes we did not ask for", true);
                return;
            }
        }
        fillPipeline();
        ctx.downloadLimiter().acquire(length);
    }

    /** BEP 6: tells the peer we will not serve {@code r}. */
    private void reject(Message.Request r) {
        send(new Message.RejectRequest(r.piece(), r.offset(), r.length()));
    }

    /**
     * BEP 6: rejects a request the peer should not have made (we choke it, lack the piece, its queue is full, the
     * block is malformed) and counts it. BEP 6 "Reject Request": a peer that makes excessive requests while
     * choked MAY be closed; past {@link Limits#MAX_REFUSED_REQUESTS} since our last UNCHOKE it is, so a peer
     * cannot grow our outbox with rejects. Reader thread.
     *
     * @throws WireException when the peer has made too many such requests
     */
    private void refuse(Message.Request r) throws WireException {
        int refused = refusedRequests.incrementAndGet();
        if (refused > Limits.MAX_REFUSED_REQUESTS) {
            throw new WireException(refused + " requests we had to refuse since we last unchoked it"
                    + (amChoking ? " (it is choked)" : ""));
        }
        reject(r);
    }

    // ---- requesting ----

    private void updateInterest() {
        boolean want;
        synchronized (this) {
            // Decided and sent under one lock: two threads deciding at once could otherwise send a stale verdict last.
            want = !closed.get() && !ctx.isComplete() && picker.isInteresting(this);
            if (want != amInterested) {
                amInterested = want;
                send(want ? Message.INTERESTED : Message.NOT_INTERESTED);
            }
        }
        if (want) {
            fillPipeline();
        }
    }

    private synchronized boolean amInterested() {
        return amInterested;
    }

    /**
     * Tops the request pipeline up to its depth, never past the peer's {@code reqq} (BEP 10, see
     * {@link #pipelineCeiling()}). While the peer chokes us, only from the pieces it allowed us (BEP 6 ALLOWED_FAST)
     * that it has.
     */
    public void fillPipeline() {
        boolean choked = peerChoking;
        if (!amInterested() || closed.get()) {
            return;
        }
        List<BlockRequest> picked;
        synchronized (this) {
            Set<Integer> allowedWhileChoked = choked ? Set.copyOf(allowedFastFromPeer) : null;
            if (choked && allowedWhileChoked.isEmpty()) {
                return;
            }
            int depth = snubbed ? 1 : Math.min(pipelineDepth, pipelineCeiling());
            if (choked) {
                // Allowed-fast blocks are a bonus from a peer that chokes us: a few at a time, so its pieces do not
                // hold slots and memory at its pace while unchoking peers wait (see PiecePicker's filtered pick).
                depth = Math.min(depth, Limits.ALLOWED_FAST_PIPELINE);
            }
            if (picker.isEndgame()) {
                // Every missing block is already requested: what we pick now duplicates another peer's request.
                // Only a peer whose own queue has (nearly) drained takes a duplicate, a couple at a time, as
                // libtorrent does; a whole pipeline of duplicates would download the tail twice.
                depth = Math.min(depth, Limits.ENDGAME_PIPELINE);
            }
            int room = depth - outstanding.size();
            // Requests go out in batches once the pipe is full: one REQUEST per answered block meant a writer wake-up,
            // a flush and a 17-byte send (and a receive at the seeder) for every 16 KiB; a batch costs that once.
            // An empty pipe is always filled, so this never stalls a peer.
            if (room <= 0 || (room < Math.max(1, Math.min(Limits.REQUEST_BATCH, depth / 8)) && !outstanding.isEmpty())) {
                return;
            }
            picked = choked
                    ? picker.pick(this, room, PeerConnection::lags, allowedWhileChoked::contains)
                    : picker.pick(this, room, PeerConnection::lags);
            outstanding.addAll(picked);
        }
        for (BlockRequest b : picked) {
            send(new Message.Request(b.piece(), b.offset(), b.length()));
        }
        if (picked.isEmpty() && !picker.isInteresting(this)) {
            updateInterest();
        }
    }

    /** Slow start: while the pipe stays full, every answered request adds one more. */
    private synchronized void growPipeline() {
        if (pipelineDepth < pipelineCeiling()) {
            pipelineDepth++;
        }
    }

    /**
     * The most requests we keep in flight to this peer: its {@code reqq} (BEP 10) up to {@link Limits#MAX_PIPELINE}
     * when it gave one, else {@link Limits#DEFAULT_PIPELINE_CEILING}.
     */
    int pipelineCeiling() {
        int reqq = peerReqq;
        return reqq > 0 ? Math.min(Limits.MAX_PIPELINE, reqq) : Limits.DEFAULT_PIPELINE_CEILING;
    }

    /** Called about once a second by the session: snub detection and pipeline shrinking for slow peers. */
    public void tick() {
        if (closed.get()) {
            return; // the session's list may be a snapshot taken just before this connection ended
        }
        long now = System.nanoTime();
        if (extensions != null) {
            extensions.tick(now);
        }
        if (metadataMode) {
            if (now - lastSentAt > TimeUnit.SECONDS.toNanos(Limits.KEEPALIVE_SECONDS)) {
                send(Message.KEEP_ALIVE);
            }
            return;
        }
        long blockStarted = blockStartedAt;
        if (blockStarted != 0 && now - blockStarted > TimeUnit.SECONDS.toNanos(Limits.BLOCK_TIMEOUT_SECONDS)) {
            // The picker counts a block as received once its header is read: a peer that dribbles the data
            // would hold that piece (and the end of the download) for as long as it likes.
            close("took over " + Limits.BLOCK_TIMEOUT_SECONDS + " s to send one block", false);
            return;
        }
        boolean waiting;
        synchronized (this) {
            waiting = !outstanding.isEmpty();
        }
        if (waiting && peerChoking && !fast
                && now - lastBlockAt > TimeUnit.SECONDS.toNanos(Limits.CHOKED_DRAIN_SECONDS)) {
            log.debug("{}: choked and drained: releasing {} requests", address, outstandingRequests().size());
            releaseAll(); // choked, and what was in flight has arrived: the rest goes to other peers
            waiting = false;
        }
        if (waiting && now - lastBlockAt > TimeUnit.SECONDS.toNanos(Limits.SNUB_SECONDS)
                && now - lastSnubRelease > TimeUnit.SECONDS.toNanos(Limits.SNUB_SECONDS)) {
            // Snubbed: its reservations go back to the picker, and again every snub period for as long as it
            // stays silent (it keeps one probing request at a time, which must not hold a piece forever).
            log.debug("{}: snubbed (no block for {} s)", address, Limits.SNUB_SECONDS);
            snubbed = true;
            lastSnubRelease = now;
            releaseAll();
        }
        // Keep about a second of data in flight (slow start grows it while the pipe stays full). More only queues
        // up in socket buffers, where a CANCEL can no longer stop it: behind a rate limit, that is endgame waste.
        int wanted = (int) Math.min(pipelineCeiling(),
                Math.max(Limits.MIN_PIPELINE, downloadRate.rate() / BlockRequest.BLOCK_SIZE));
        synchronized (this) {
            if (pipelineDepth > wanted + Limits.MIN_PIPELINE) {
                pipelineDepth = wanted;
            }
        }
        if (now - lastSentAt > TimeUnit.SECONDS.toNanos(Limits.KEEPALIVE_SECONDS)) {
            send(Message.KEEP_ALIVE);
        }
        // Blocks come back to the picker when another peer fails (hash failure, lost block, timeout): an idle
        // connection receives nothing that would make it ask again, so it looks for work here (and becomes
        // interested again if a failed piece is one this peer has).
        if (!amInterested()) {
            updateInterest();
        }
        fillPipeline();
    }

    /** For the picker's {@code lagging} test, whatever kind of source holds the block (a web seed too). */
    private static boolean lags(Object source) {
        return source instanceof BlockSource s && s.lagging();
    }

    /**
     * Whether this peer is worth an endgame duplicate of what it holds: it chokes us, is snubbed, or has sent
     * nothing for a second although requests are out. Called by the picker under its lock, for other peers'
     * picks: it reads volatile fields only and takes no lock.
     */
    @Override
    public boolean lagging() {
        return peerChoking || snubbed || closed.get()
                || System.nanoTime() - lastBlockAt > TimeUnit.MILLISECONDS.toNanos(Limits.ENDGAME_LAG_MILLIS);
    }

    /** Unchoked again before the old requests were given back: the peer dropped them when it choked, so ask again. */
    private void resendOutstanding() {
        List<BlockRequest> again;
        synchronized (this) {
            again = new ArrayList<>(outstanding);
        }
        for (BlockRequest b : again) {
            send(new Message.Request(b.piece(), b.offset(), b.length()));
        }
    }

    /** Gives every outstanding request back to the picker (choked, snubbed, or closing). */
    private void releaseAll() {
        synchronized (this) {
            for (BlockRequest b : outstanding) {
                picker.release(this, b);
            }
            outstanding.clear();
            requestsDroppedByChoke = false;
        }
    }

    /** Endgame: another peer delivered this block first. */
    @Override
    public void cancel(BlockRequest b) {
        boolean had;
        synchronized (this) {
            had = outstanding.remove(b);
        }
        if (had) {
            picker.release(this, b);
            send(new Message.Cancel(b.piece(), b.offset(), b.length()));
        }
    }

    // ---- uploading and choking ----

    public synchronized void choke() {
        if (!amChoking) {
            amChoking = true;
            send(Message.CHOKE);
            if (fast) {
                // BEP 6: queued requests are rejected, one by one (allowed-fast ones are still served)
                for (Message.Request r : List.copyOf(pendingUploads)) {
                    if (!allowedFastForPeer.contains(r.piece()) && pendingUploads.remove(r)) {
                        reject(r);
                    }
                }
            } else {
                pendingUploads.clear(); // BEP 3: choking discards the peer's pending requests
            }
        }
    }

    public synchronized void unchoke() {
        if (amChoking) {
            amChoking = false;
            refusedRequests.set(0); // BEP 6: what counts as excessive is requests made while choked
            send(Message.UNCHOKE);
        }
    }

    /** Tells the peer we now have {@code piece}, and drops interest when that completes us. */
    public void announceHave(int piece) {
        send(new Message.Have(piece));
        synchronized (this) {
            if (amInterested && (ctx.isComplete() || !picker.isInteresting(this))) {
                amInterested = false;
                send(Message.NOT_INTERESTED);
            }
        }
    }

    /**
     * Runs {@code action} on this connection's behalf from another thread (the session's tick, another peer's
     * reader): an unexpected exception is this peer's fault and ends this peer (logged at debug with its stack),
     * never the caller's thread or the process.
     *
     * @return false when the action failed and the connection was closed
     */
    public boolean guard(String what, Runnable action) {
        try {
            action.run();
            return true;
        } catch (RuntimeException e) {
            log.debug("{}: unexpected error in {}; closing this peer", address, what, e);
            close("internal error in " + what + ": " + e, false);
            return false;
        }
    }

    // ---- writing ----

    /** Queues {@code m} for the writer; before {@link #start()}, holds it back until our BITFIELD is queued. */
    private void send(Message m) {
        if (closed.get()) {
            return;
        }
        if (!started) {
            synchronized (preStartLock) {
                if (!started) {
                    preStart.add(m);
                    return;
                }
            }
        }
        enqueue(m);
    }

    /**
     * Adds to the outbox; past {@link Limits#MAX_OUTBOX_MESSAGES} or {@link Limits#MAX_OUTBOX_BYTES} the peer is
     * not reading what it is sent and is dropped. The drop only closes the socket here (the caller may hold this
     * connection's lock): the reader and writer fail at once and {@link #close} reports the overflow.
     */
    private void enqueue(Object item) {
        enqueueQuietly(item);
        int messages = outbox.size();
        long bytes = outboxBytes.get();
        if ((messages > Limits.MAX_OUTBOX_MESSAGES || bytes > Limits.MAX_OUTBOX_BYTES) && overflowReason == null
                && !closed.get()) {
            overflowReason = "not reading: " + messages + " messages (" + bytes + " bytes) waiting to be sent";
            transport.close();
        }
    }

    /** Adds to the outbox without the overflow check (start(), under {@code preStartLock}). */
    private void enqueueQuietly(Object item) {
        outboxBytes.addAndGet(wireSize(item));
        outbox.add(item);
    }

    /** Bytes {@code item} takes on the wire, as counted against {@link Limits#MAX_OUTBOX_BYTES}. */
    private static long wireSize(Object item) {
        if (item instanceof Message.BitfieldMessage b) {
            return 5L + b.bits().length;
        } else if (item instanceof Message.Extended e) {
            return 6L + e.payload().length;
        } else if (item == WAKE) {
            return 0;
        }
        return 17; // the longest of the fixed-size messages (REQUEST, CANCEL, REJECT); an upload counts its request
    }

    /** Sends {@code name}'s messages from {@code source} as the writer has room (see {@link ExtensionPeer#sendLazily}). */
    private void sendLazily(String name, Supplier<Optional<byte[]>> source) {
        if (closed.get()) {
            return;
        }
        lazySources.put(name, source);
        // Before start the writer is not running; once it is, its first message (our BITFIELD) is followed by a poll.
        if (pullWanted.compareAndSet(false, true) && started) {
            outbox.add(WAKE);
        }
    }

    private void writeLoop() {
        UploadReadAhead readAhead = new UploadReadAhead(ctx);
        try {
            while (!closed.get()) {
                Object item = outbox.poll(1, TimeUnit.SECONDS);
                if (item == null && !pullWanted.get()) {
                    continue;
                }
                boolean wrote = false;
                // Queued messages, with one lazily produced extension message after each (and until the sources
                // are dry once the outbox is empty): lazy sources get a share of the link, and at most one of
                // their messages is in memory at a time.
                while (!closed.get()) {
                    if (item != null) {
                        outboxBytes.addAndGet(-wireSize(item));
                        if (item != WAKE) {
                            write(item, readAhead);
                            wrote = true;
                        }
                    }
                    wrote |= pullOne();
                    item = outbox.poll();
                    if (item == null && !pullWanted.get()) {
                        break;
                    }
                }
                out.flush();
                if (wrote) {
                    lastSentAt = System.nanoTime();
                }
            }
        } catch (IOException e) {
            close(closed.get() ? "closed" : "write failed: " + e.getMessage(), false);
        } catch (InterruptedException e) {
            close("interrupted", false);
        } catch (RuntimeException e) {
            log.debug("{}: writer failed", address, e);
            close("error: " + e, false);
        }
    }

    /**
     * Writes the next message of a lazy extension source, if one has any (writer thread). Sources are asked in
     * turn; the first with a message sends it, and the sources are polled again next time (it may have more).
     *
     * @return whether a message was written
     */
    private boolean pullOne() throws IOException {
        if (!pullWanted.getAndSet(false)) {
            return false;
        }
        for (Map.Entry<String, Supplier<Optional<byte[]>>> source : lazySources.entrySet()) {
            Optional<byte[]> next = source.getValue().get();
            if (next.isPresent()) {
                pullWanted.set(true);
                ExtendedHandshake theirs = peerExtendedHandshake;
                int id = theirs == null ? 0 : theirs.idOf(source.getKey()); // the peer's id, never ours (BEP 10)
                if (id != 0) {
                    WireCodec.write(new Message.Extended(id, next.get()), out);
                }
                return true;
            }
        }
        return false;
    }

    private void write(Object item, UploadReadAhead readAhead) throws IOException, InterruptedException {
        if (item instanceof Upload u) {
            Message.Request r = u.request();
            if (!takeUpload(r)) {
                return;
            }
            int at = readAhead.load(r.piece(), r.offset(), r.length());
            if (at < 0) {
                throw new IOException("cannot read piece " + r.piece() + " for upload");
            }
            ctx.uploadLimiter().acquire(r.length());
            WireCodec.writePieceHeader(out, r.piece(), r.offset(), r.length());
            out.write(readAhead.buffer(), at, r.length());
            uploadRate.add(r.length());
            ctx.countUploaded(r.length());
        } else {
            WireCodec.write((Message) item, out);
        }
    }

    /**
     * Whether the writer serves {@code r} now. Taken off the queue and checked in one step under the lock
     * {@link #choke()} takes, so a request is answered exactly once (BEP 6: with its block or a reject): either the
     * writer takes it before the choke (and sends it ahead of the CHOKE), or the choke takes it and rejects it.
     *
     * @return false when it was cancelled or taken by a choke since it was queued
     */
    private synchronized boolean takeUpload(Message.Request r) {
        if (!pendingUploads.remove(r)) {
            return false; // cancelled (rejected under Fast), or the choke discarded or rejected it
        }
        if (amChoking && !allowedFastForPeer.contains(r.piece())) {
            // choke() takes every such request under this lock, so this is not expected; answered all the same
            if (fast) {
                reject(r);
            }
            return false;
        }
        return true;
    }

    /** A block the peer asked for, waiting in the outbox to be read from disk and sent. */
    private record Upload(Message.Request request) {
    }

    // ---- lifecycle ----

    @Override
    public void close(String reason, boolean misbehaved) {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        String overflow = overflowReason;
        if (overflow != null) {
            reason = overflow; // the reader or writer failed because the socket was closed on overflow
        }
        log.debug("{}: {}", address, reason);
        transport.close();
        outbox.clear();
        lazySources.clear();
        if (extensions != null) {
            extensions.closed();
        }
        synchronized (preStartLock) {
            preStart.clear();
        }
        pendingUploads.clear();
        synchronized (this) {
            outstanding.clear();
        }
        owner.closed(this, reason, misbehaved);
    }

    public boolean isClosed() {
        return closed.get();
    }

    /** A piece this peer contributed to failed its hash check. */
    @Override
    public int chargeHashFailure() {
        return hashFailures.incrementAndGet();
    }

    public InetSocketAddress address() {
        return address;
    }

    public PeerId remotePeerId() {
        return remotePeerId;
    }

    public boolean incoming() {
        return incoming;
    }

    public boolean peerInterested() {
        return peerInterested;
    }

    public boolean amChoking() {
        return amChoking;
    }

    public boolean peerChoking() {
        return peerChoking;
    }

    public boolean snubbed() {
        return snubbed;
    }

    public long connectedAtNanos() {
        return connectedAt;
    }

    public double downloadRate() {
        return downloadRate.rate();
    }

    public double uploadRate() {
        return uploadRate.rate();
    }

    public long downloadedTotal() {
        return downloadRate.total();
    }

    public long uploadedTotal() {
        return uploadRate.total();
    }

    /** Whether the peer has every piece (a seed). */
    public synchronized boolean isSeed() {
        return peerHas != null && peerHas.isComplete();
    }

    /**
     * Where an incoming peer listens, from its extended handshake's {@code p} (BEP 10); for an outgoing connection,
     * the address we dialled.
     */
    public Optional<InetSocketAddress> peerListenAddress() {
        if (!incoming) {
            return Optional.of(address);
        }
        ExtendedHandshake theirs = peerExtendedHandshake;
        return theirs == null || theirs.p().isEmpty() ? Optional.empty()
                : Optional.of(new InetSocketAddress(address.getAddress(), theirs.p().getAsInt()));
    }

    /** The peer's extended handshake (BEP 10), once received. */
    /**
     * Whether the peer is known to want encryption: this connection is RC4-encrypted (MSE), or its extended
     * handshake said {@code e}=1 (BEP 10). Passed on as PEX flag 0x01 (BEP 11).
     */
    public boolean prefersEncryption() {
        if (transport instanceof io.btget.mse.MseTransport m && m.encrypted()) {
            return true;
        }
        ExtendedHandshake theirs = peerExtendedHandshake;
        return theirs != null && theirs.e().orElse(0) == 1;
    }

    public Optional<ExtendedHandshake> peerExtendedHandshake() {
        return Optional.ofNullable(peerExtendedHandshake);
    }

    /** What BEP 10 extensions see of this connection. */
    private final class ExtPeer implements ExtensionPeer {
        @Override
        public InetSocketAddress address() {
            return address;
        }

        @Override
        public Optional<ExtendedHandshake> peerHandshake() {
            return Optional.ofNullable(peerExtendedHandshake);
        }

        @Override
        public boolean send(String name, byte[] payload) {
            ExtendedHandshake theirs = peerExtendedHandshake;
            int id = theirs == null ? 0 : theirs.idOf(name); // always the peer's id, never ours (BEP 10)
            if (id == 0 || closed.get()) {
                return false;
            }
            PeerConnection.this.send(new Message.Extended(id, payload));
            return true;
        }

        @Override
        public void sendLazily(String name, Supplier<Optional<byte[]>> source) {
            PeerConnection.this.sendLazily(name, source);
        }

        @Override
        public void drop(String reason) {
            close(reason, true);
        }

        @Override
        public String toString() {
            return address.toString();
        }
    }

    List<BlockRequest> outstandingRequests() {
        synchronized (this) {
            return new ArrayList<>(outstanding);
        }
    }

    @Override
    public String toString() {
        return address.toString();
    }
}
