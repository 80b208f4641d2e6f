package io.btget.piece;

import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.IntUnaryOperator;

/**
 * Decides which blocks to request from which peer, and tracks what is requested and received.
 *
 * <p>Order of preference for a peer (BEP 3 "piece selection strategy"): blocks of pieces already started (oldest
 * first, so pieces complete and can be verified), then new pieces rarest first with a random tie-break. From a
 * seed, new pieces rarer than the started ones come first (see {@code startRarerPiecesFromSeed}). At most
 * {@code maxPiecesInFlight} pieces are started and not yet verified, which bounds the memory the caller spends
 * assembling pieces. Once every missing block is requested from someone (endgame), a peer also gets blocks already
 * requested from others (up to {@link #MAX_REQUESTERS_IN_ENDGAME} peers per block), so that the last pieces do not wait on one slow peer; whoever delivers first wins and
 * {@link BlockResult#cancelFrom()} names the peers to send CANCEL to.
 *
 * <p>Peers are opaque handles compared by identity. Connections end on their own threads at any moment, so a peer
 * that is not registered (not yet added, or already removed) is a normal sight, not a bug: it has nothing, is
 * interesting for nothing, gets nothing picked, and what it reports (HAVE, BITFIELD, blocks) is ignored.
 *
 * <p>Once {@link #stop()} is called (the session can no longer store data: disk full, I/O error) nothing is picked
 * and every arriving block is refused, for good.
 *
 * <p>Thread-safe: every method holds this object's lock briefly and does no I/O; all fields below are guarded by
 * {@code this}. Picking costs O(pieces started + blocks handed out) plus, for a new piece, either a few steps along the
 * rarity order or, for a peer with few pieces we lack, a word-by-word walk of its bitfield (pieces / 64).
 *
 * @param <P> the caller's peer handle
 */
public final class PiecePicker<P> {
    /**
     * In endgame a block is requested from at most this many peers at once: enough that one slow peer cannot hold
     * up the tail, few enough that the tail does not arrive many times over.
     */
    public static final int MAX_REQUESTERS_IN_ENDGAME = 3;

    /**
     * Sequential mode picks the rarest among the first this-many missing pieces a peer has (at least; see
     * {@link #sequentialWindow()}): nearly in order for a player, yet a piece only one peer holds still goes early, so
     * a sequential downloader keeps passing on pieces the swarm lacks instead of only the ones everyone has.
     */
    static final int SEQUENTIAL_WINDOW_MIN = 4;
    /** ...and at most this many, whatever the torrent's size: a wider window is no longer "in order" for a player. */
    static final int SEQUENTIAL_WINDOW_MAX = 32;

    private final int pieceCount;
    private final IntUnaryOperator pieceLength;
    private final Bitfield have;
    private final int maxPiecesInFlight;
    private final RarityOrder rarity;
    private final Map<P, PeerState> peers = new IdentityHashMap<>();
    /** Started, unverified pieces in the order they were started (at most maxPiecesInFlight). */
    private final List<PieceProgress<P>> started = new ArrayList<>();
    /** The same pieces by index, null when not started; an array so the hot path does not box. */
    private final PieceProgress<P>[] progressOf;
    /** Set once by {@link #stop()}: no more picking, every block refused. */
    private boolean stopped;
    /** New pieces nearly in index order (see {@link #setSequential}) instead of rarest first. */
    private boolean sequential;
    /** Windows of pieces picked before all others (streaming readers); none by default. */
    private PiecePriorities priorities = new PiecePriorities();

    private static final class PeerState {
        Bitfield has;
        /** Pieces this peer has that we have not verified: non-zero means we are interested. */
        int interesting;

        PeerState(Bitfield has) {
            this.has = has;
        }
    }

    /**
     * @param pieceCount        number of pieces in the torrent
     * @param pieceLength       length in bytes of each piece (the last one may be shorter)
     * @param have              pieces already verified on disk; copied
     * @param rng               source of the random tie-break among equally rare pieces
     * @param maxPiecesInFlight how many pieces may be started and unverified at once (at least 1)
     */
    public PiecePicker(int pieceCount, IntUnaryOperator pieceLength, Bitfield have, Random rng,
            int maxPiecesInFlight) {
        this(pieceCount, pieceLength, have, null, rng, maxPiecesInFlight);
    }

    /**
     * A picker for the pieces in {@code wanted} alone (the files the user selected): the others are never picked,
     * make no peer interesting, and count as done for {@link #isComplete()} and endgame, exactly as verified ones.
     * Internally {@code have} then means "needs no fetching": verified, or not wanted.
     *
     * @param wanted the pieces to fetch, or null for all of them
     */
    public PiecePicker(int pieceCount, IntUnaryOperator pieceLength, Bitfield have, Bitfield wanted, Random rng,
            int maxPiecesInFlight) {
        if (wanted != null) {
            checkSize(wanted, pieceCount);
            have = have.copy();
            for (int p = wanted.nextClear(0); p >= 0 && p < pieceCount; p = wanted.nextClear(p + 1)) {
                have.set(p);
            }
        }
        if (have.size() != pieceCount) {
            throw new IllegalArgumentException("have bitfield has " + have.size() + " pieces, expected " + pieceCount);
        }
        if (maxPiecesInFlight < 1) {
            throw new IllegalArgumentException("maxPiecesInFlight must be at least 1: " + maxPiecesInFlight);
        }
        this.pieceCount = pieceCount;
        this.pieceLength = pieceLength;
        this.have = have.copy();
        this.maxPiecesInFlight = maxPiecesInFlight;
        this.rarity = new RarityOrder(pieceCount, this.have, rng);
        @SuppressWarnings("unchecked")
        PieceProgress<P>[] array = (PieceProgress<P>[]) new PieceProgress<?>[pieceCount];
        this.progressOf = array;
    }

    // ---- peers and what they have ----

    /** Registers a peer with what it has (an empty bitfield if it sent none yet); the bitfield is copied. */
    public synchronized void addPeer(P peer, Bitfield has) {
        checkSize(has);
        if (peers.containsKey(peer)) {
            throw new IllegalStateException("peer already added: " + peer);
        }
        PeerState state = new PeerState(has.copy());
        peers.put(peer, state);
        for (int piece = has.nextSet(0); piece >= 0; piece = has.nextSet(piece + 1)) {
            rarity.increment(piece);
        }
        state.interesting = has.countSetAndClearIn(this.have);
    }

    /** A HAVE from the peer. Repeats are harmless; ignored for a peer not registered. */
    public synchronized void peerHave(P peer, int piece) {
        checkPiece(piece);
        PeerState state = peers.get(peer);
        if (state != null && !state.has.get(piece)) {
            state.has.set(piece);
            rarity.increment(piece);
            if (!have.get(piece)) {
                state.interesting++;
            }
        }
    }

    /**
     * A BITFIELD arriving after other messages (aria2 does this): it replaces what we knew of the peer.
     *
     * @return started pieces no connected peer has any more, abandoned as in {@link #removePeer}; empty for a peer
     *     not registered
     */
    public synchronized List<Integer> peerBitfieldReplaced(P peer, Bitfield has) {
        checkSize(has);
        PeerState state = peers.get(peer);
        if (state == null) {
            return List.of();
        }
        Bitfield old = state.has;
        for (int piece = old.nextSet(0); piece >= 0; piece = old.nextSet(piece + 1)) {
            if (!has.get(piece)) {
                rarity.decrement(piece);
            }
        }
        for (int piece = has.nextSet(0); piece >= 0; piece = has.nextSet(piece + 1)) {
            if (!old.get(piece)) {
                rarity.increment(piece);
            }
        }
        state.has = has.copy();
        state.interesting = has.countSetAndClearIn(this.have);
        // Requests for pieces the peer no longer claims to have will never be served.
        for (int i = 0; i < started.size(); i++) {
            PieceProgress<P> progress = started.get(i);
            if (!has.get(progress.piece)) {
                releaseAll(progress, peer);
            }
        }
        dropUnstartedPieces();
        return abandonUnavailablePieces();
    }

    /**
     * Forgets a peer: its reservations go back and its pieces no longer count as available.
     *
     * @return started, incomplete pieces that no connected peer has any more. They are abandoned (their received
     *     blocks forgotten) so they do not hold in-flight slots forever; free their buffers.
     */
    public synchronized List<Integer> removePeer(P peer) {
        PeerState state = peers.remove(peer);
        if (state == null) {
            return List.of();
        }
        for (int piece = state.has.nextSet(0); piece >= 0; piece = state.has.nextSet(piece + 1)) {
            rarity.decrement(piece);
        }
        releaseLocked(peer);
        return abandonUnavailablePieces();
    }

    /** True if the peer has a piece we have not verified yet (we should be interested, BEP 3); false if not registered. */
    public synchronized boolean isInteresting(P peer) {
        PeerState state = peers.get(peer);
        return state != null && state.interesting > 0;
    }

    /** Peers registered now. */
    public synchronized int peerCount() {
        return peers.size();
    }

    /**
     * The session can no longer use data (a fatal disk error): from now on nothing is picked and every block that
     * arrives is {@link BlockResult.Status#REFUSED}. There is no way back.
     */
    public synchronized void stop() {
        stopped = true;
    }

    public synchronized boolean isStopped() {
        return stopped;
    }

    // ---- policy ----

    /**
     * Sequential download ({@code --sequential}): new pieces in index order among the wanted ones, the rarest within
     * a small window of the first missing pieces the peer has (see {@link #SEQUENTIAL_WINDOW_MIN}). Started pieces are
     * still completed first, endgame is unchanged, and web seeds keep their contiguous runs.
     */
    public synchronized void setSequential(boolean on) {
        sequential = on;
    }

    /** The windows of pieces to serve before all others (a streaming reader's position); read on every pick. */
    public synchronized void usePriorities(PiecePriorities windows) {
        priorities = java.util.Objects.requireNonNull(windows);
    }

    // ---- picking ----

    /**
     * Reserves up to {@code max} blocks for this peer to request, best first; empty if there is nothing for it, the
     * peer is not registered, or the picker is stopped.
     */
    public List<BlockRequest> pick(P peer, int max) {
        return pick(peer, max, requester -> true);
    }

    /**
     * As {@link #pick(Object, int)}, but in endgame a block is duplicated only when every peer it is requested from
     * passes {@code lagging} (say, nothing arrived from it for a while). A block held by a peer that is delivering
     * will come soon; duplicating it only downloads it twice, since its data may already be in flight where a
     * CANCEL cannot stop it.
     */
    public synchronized List<BlockRequest> pick(P peer, int max, java.util.function.Predicate<P> lagging) {
        return pick(peer, max, lagging, piece -> true, maxPiecesInFlight);
    }

    /**
     * As {@link #pick(Object, int, java.util.function.Predicate)}, from the pieces {@code only} accepts alone: a
     * peer that chokes us lets us request only its BEP 6 allowed fast set. Such a peer may start a new piece only
     * while at most half of {@code maxPiecesInFlight} are started: pieces it starts finish at its pace, and must not
     * take every slot from the peers that unchoke us.
     */
    public synchronized List<BlockRequest> pick(P peer, int max, java.util.function.Predicate<P> lagging,
            java.util.function.IntPredicate only) {
        return pick(peer, max, lagging, only, maxPiecesInFlight / 2);
    }

    private List<BlockRequest> pick(P peer, int max, java.util.function.Predicate<P> lagging,
            java.util.function.IntPredicate only, int startLimit) {
        PeerState state = peers.get(peer);
        List<BlockRequest> picked = new ArrayList<>(Math.min(max, 64));
        if (state == null || stopped || max <= 0 || state.interesting == 0) {
            return picked;
        }
        // 0. pieces a streaming reader waits for, in index order: before anything else
        PiecePriorities.Window[] windows = priorities.snapshot();
        if (windows.length > 0) {
            takeUrgent(windows, state, peer, max, only, startLimit, picked);
            if (picked.size() >= max) {
                return picked;
            }
        }
        // 0b. from a seed: new pieces rarer than every started piece it could complete instead (not in sequential
        // mode, where order matters more than spreading rare pieces)
        if (state.has.isComplete() && !sequential) {
            startRarerPiecesFromSeed(state, peer, max, only, startLimit, picked);
        }
        // 1. unrequested blocks of started pieces
        takeUnassignedOfStarted(state, peer, max, only, picked);
        if (picked.size() >= max) {
            return picked;
        }
        // 2. new pieces, rarest first (or nearly in order)
        while (picked.size() < max && started.size() < startLimit) {
            int piece = sequential ? sequentialPieceOf(state, only) : rarestUnstartedPieceOf(state, only);
            if (piece < 0) {
                break;
            }
            PieceProgress<P> progress = new PieceProgress<>(piece, lengthOf(piece));
            progressOf[piece] = progress;
            started.add(progress);
            takeUnassigned(progress, peer, max, picked);
        }
        // 3. endgame: everything missing is requested; duplicate requests other peers hold
        takeEndgameDuplicates(state, peer, max, lagging, only, picked);
        return picked;
    }

    /**
     * For a web seed (BEP 19): whole pieces in index order from {@code fromPiece} on (wrapping round once),
     * contiguous, up to {@code max} blocks, so that one HTTP range request fetches a run of pieces, and a server
     * that ignores Range and sends the whole file is read through once rather than from its start for each piece.
     * libtorrent asks its picker for contiguous blocks for web seeds the same way ({@code prefer_contiguous_blocks},
     * up to {@code urlseed_max_request_bytes}). A piece is taken whole or not at all, and never one started by
     * someone else. When no unstarted piece is left for it, the source helps like a peer: unrequested blocks of
     * started pieces, then endgame duplicates of blocks held by {@code lagging} sources.
     */
    public synchronized List<BlockRequest> pickContiguous(P peer, int max, int fromPiece,
            java.util.function.Predicate<P> lagging) {
        PeerState state = peers.get(peer);
        List<BlockRequest> picked = new ArrayList<>(Math.min(max, 256));
        if (state == null || stopped || max <= 0 || state.interesting == 0) {
            return picked;
        }
        int first = firstUnstartedFrom(state, Math.floorMod(fromPiece, pieceCount));
        if (first < 0 && fromPiece > 0) {
            first = firstUnstartedFrom(state, 0);
        }
        for (int piece = first; piece >= 0 && piece < pieceCount && started.size() < maxPiecesInFlight
                && !have.get(piece) && progressOf[piece] == null && state.has.get(piece); piece++) {
            int blocks = (lengthOf(piece) + BlockRequest.BLOCK_SIZE - 1) / BlockRequest.BLOCK_SIZE;
            if (!picked.isEmpty() && picked.size() + blocks > max) {
                break;
            }
            PieceProgress<P> progress = new PieceProgress<>(piece, lengthOf(piece));
            progressOf[piece] = progress;
            started.add(progress);
            takeUnassigned(progress, peer, Math.max(max, picked.size() + blocks), picked);
        }
        if (!picked.isEmpty()) {
            return picked;
        }
        takeUnassignedOfStarted(state, peer, max, piece -> true, picked);
        takeEndgameDuplicates(state, peer, max, lagging, piece -> true, picked);
        return picked;
    }

    /**
     * Blocks of the pieces in the priority windows, oldest window first, each in index order: unrequested blocks of
     * started ones, then new ones (within the in-flight cap). The windows are short (a few pieces each), so this
     * costs little per pick.
     */
    private void takeUrgent(PiecePriorities.Window[] windows, PeerState state, P peer, int max,
            java.util.function.IntPredicate only, int startLimit, List<BlockRequest> picked) {
        for (PiecePriorities.Window w : windows) {
            int last = Math.min(w.last, pieceCount - 1);
            for (int piece = w.first; piece <= last && picked.size() < max; piece++) {
                if (have.get(piece) || !state.has.get(piece) || !only.test(piece)) {
                    continue;
                }
                PieceProgress<P> progress = progressOf[piece];
                if (progress == null) {
                    if (started.size() >= startLimit + urgentExtra(startLimit)) {
                        continue;
                    }
                    progress = new PieceProgress<>(piece, lengthOf(piece));
                    progressOf[piece] = progress;
                    started.add(progress);
                }
                if (progress.hasUnassignedBlocks()) {
                    takeUnassigned(progress, peer, max, picked);
                }
            }
        }
    }

    /**
     * Pieces a reader waits for may start beyond the in-flight cap by this many (an eighth of it, at least one):
     * otherwise a seek waits until pieces started for read-ahead complete. Bounded, so memory stays bounded.
     */
    private static int urgentExtra(int startLimit) {
        return Math.max(1, startLimit / 8);
    }

    /** How many missing pieces sequential mode weighs at once: about 1% of the torrent, within the bounds. */
    private int sequentialWindow() {
        return Math.max(SEQUENTIAL_WINDOW_MIN, Math.min(SEQUENTIAL_WINDOW_MAX, pieceCount / 100));
    }

    /**
     * Sequential mode: among the first {@link #sequentialWindow()} wanted, unstarted pieces the peer has (in index
     * order), the rarest (ties to the lower index); -1 if none.
     */
    private int sequentialPieceOf(PeerState state, java.util.function.IntPredicate only) {
        int window = sequentialWindow();
        int best = -1;
        int bestAvailability = Integer.MAX_VALUE;
        int seen = 0;
        for (int piece = state.has.nextSetAndClearIn(have, 0); piece >= 0 && seen < window;
                piece = state.has.nextSetAndClearIn(have, piece + 1)) {
            if (progressOf[piece] != null || !only.test(piece)) {
                continue;
            }
            seen++;
            int availability = rarity.availability(piece);
            if (availability < bestAvailability) {
                best = piece;
                bestAvailability = availability;
            }
        }
        return best;
    }

    /** The first piece at or after {@code from} that the peer has, we lack, and nobody started; -1 if none. */
    private int firstUnstartedFrom(PeerState state, int from) {
        for (int piece = state.has.nextSetAndClearIn(have, from); piece >= 0;
                piece = state.has.nextSetAndClearIn(have, piece + 1)) {
            if (progressOf[piece] == null) {
                return piece;
            }
        }
        return -1;
    }

    private void takeUnassignedOfStarted(PeerState state, P peer, int max, java.util.function.IntPredicate only,
            List<BlockRequest> picked) {
        for (int i = 0; i < started.size() && picked.size() < max; i++) {
            PieceProgress<P> progress = started.get(i);
            if (progress.hasUnassignedBlocks() && state.has.get(progress.piece) && only.test(progress.piece)) {
                takeUnassigned(progress, peer, max, picked);
            }
        }
    }

    private void takeEndgameDuplicates(PeerState state, P peer, int max, java.util.function.Predicate<P> lagging,
            java.util.function.IntPredicate only, List<BlockRequest> picked) {
        if (picked.size() >= max || !isEndgame()) {
            return;
        }
        for (int i = 0; i < started.size() && picked.size() < max; i++) {
            PieceProgress<P> progress = started.get(i);
            if (!state.has.get(progress.piece) || !only.test(progress.piece)) {
                continue;
            }
            for (int block = 0; block < progress.blockCount() && picked.size() < max; block++) {
                if (!progress.isReceived(block) && !progress.isRequestedFrom(block, peer)
                        && progress.requesterCount(block) < MAX_REQUESTERS_IN_ENDGAME
                        && progress.allRequestersMatch(block, lagging)) {
                    progress.addRequester(block, peer);
                    picked.add(BlockRequest.of(progress.piece, block, progress.length));
                }
            }
        }
    }

    /**
     * In a swarm a seed's upload is the scarcest there is: a block it sends of a piece that other peers also have
     * is a block of a piece no one else has that it does not send. So from a seed we first start the pieces rarer
     * (in practice: only seeds have them) than every started piece with unrequested blocks, and leave those started
     * pieces to the peers that also have them; only then (step 1) does a seed complete started pieces. With a lone
     * seed, or nothing but seeds, every piece is as rare as any other and this picks nothing.
     */
    private void startRarerPiecesFromSeed(PeerState state, P peer, int max, java.util.function.IntPredicate only,
            int startLimit, List<BlockRequest> picked) {
        int commonest = Integer.MAX_VALUE; // the least available started piece this seed could complete
        for (int i = 0; i < started.size(); i++) {
            PieceProgress<P> progress = started.get(i);
            if (progress.hasUnassignedBlocks() && only.test(progress.piece)) {
                commonest = Math.min(commonest, rarity.availability(progress.piece));
            }
        }
        if (commonest == Integer.MAX_VALUE) {
            return; // nothing started to compete with: steps 1 and 2 do the same
        }
        while (picked.size() < max && started.size() < startLimit) {
            int piece = rarestUnstartedPieceOf(state, only);
            if (piece < 0 || rarity.availability(piece) >= commonest) {
                return;
            }
            PieceProgress<P> progress = new PieceProgress<>(piece, lengthOf(piece));
            progressOf[piece] = progress;
            started.add(progress);
            takeUnassigned(progress, peer, max, picked);
        }
    }

    /** True once every block we still need has been requested from some peer. */
    public synchronized boolean isEndgame() {
        if (rarity.size() > started.size()) {
            return false; // some wanted piece is not started yet
        }
        for (int i = 0; i < started.size(); i++) {
            if (started.get(i).hasUnassignedBlocks()) {
                return false;
            }
        }
        return rarity.size() > 0;
    }

    private void takeUnassigned(PieceProgress<P> progress, P peer, int max, List<BlockRequest> picked) {
        for (int block = 0; block < progress.blockCount() && picked.size() < max; block++) {
            if (!progress.isReceived(block) && !progress.isRequested(block)) {
                progress.addRequester(block, peer);
                picked.add(BlockRequest.of(progress.piece, block, progress.length));
            }
        }
    }

    /**
     * The rarest wanted, unstarted piece the peer has (and {@code only} accepts), or -1. Two ways to the same answer (the wanted piece with the
     * smallest rarity position): when the peer has many pieces we lack, walk the rarity order until one of its
     * pieces turns up (a few steps); when it has few, walk those few (word by word) and take the smallest position.
     */
    private int rarestUnstartedPieceOf(PeerState state, java.util.function.IntPredicate only) {
        Bitfield has = state.has;
        if ((long) state.interesting * 8 < rarity.size()) {
            int best = -1;
            int bestPosition = Integer.MAX_VALUE;
            for (int piece = has.nextSetAndClearIn(have, 0); piece >= 0;
                    piece = has.nextSetAndClearIn(have, piece + 1)) {
                int position = rarity.positionOf(piece);
                if (position < bestPosition && progressOf[piece] == null && only.test(piece)) {
                    best = piece;
                    bestPosition = position;
                }
            }
            return best;
        }
        for (int i = 0, n = rarity.size(); i < n; i++) {
            int piece = rarity.pieceAt(i);
            if (has.get(piece) && progressOf[piece] == null && only.test(piece)) {
                return piece;
            }
        }
        return -1;
    }

    // ---- blocks arriving and going back ----

    /** Records a block that arrived from a peer; see {@link BlockResult}. */
    public synchronized BlockResult<P> blockReceived(P peer, BlockRequest block) {
        checkPiece(block.piece());
        if (stopped) {
            return new BlockResult<>(BlockResult.Status.REFUSED, false, List.of());
        }
        if (have.get(block.piece())) {
            return new BlockResult<>(BlockResult.Status.DUPLICATE, false, List.of());
        }
        PieceProgress<P> progress = progressOf[block.piece()];
        int index = block.blockIndex();
        if (progress == null || !isExactBlock(progress, block)) {
            return new BlockResult<>(BlockResult.Status.UNREQUESTED, false, List.of());
        }
        if (progress.isReceived(index)) {
            return new BlockResult<>(BlockResult.Status.DUPLICATE, false, List.of());
        }
        if (!progress.isRequestedFrom(index, peer)) {
            return new BlockResult<>(BlockResult.Status.UNREQUESTED, false, List.of());
        }
        List<P> others = progress.markReceived(index, peer);
        return new BlockResult<>(BlockResult.Status.ACCEPTED, progress.isComplete(), others);
    }

    /** Gives one reservation back (the peer rejected it, or we cancelled it). */
    public synchronized void release(P peer, BlockRequest block) {
        checkPiece(block.piece());
        PieceProgress<P> progress = progressOf[block.piece()];
        if (progress != null && isExactBlock(progress, block)) {
            progress.removeRequester(block.blockIndex(), peer);
            dropIfUnstarted(progress);
        }
    }

    /** Gives all of a peer's reservations back (it choked us, is snubbed, or is gone). */
    public synchronized void release(P peer) {
        releaseLocked(peer);
    }

    /** The piece's hash matched: it is ours for good. */
    public synchronized void pieceVerified(int piece) {
        checkPiece(piece);
        unstart(piece);
        if (have.get(piece)) {
            return;
        }
        have.set(piece);
        rarity.remove(piece);
        for (PeerState state : peers.values()) {
            if (state.has.get(piece)) {
                state.interesting--;
            }
        }
    }

    /**
     * The piece's hash did not match: all of its blocks are wanted again.
     *
     * @return the distinct peers that sent its blocks (one of them sent bad data), for the caller to charge
     */
    public synchronized List<P> pieceFailed(int piece) {
        checkPiece(piece);
        PieceProgress<P> progress = progressOf[piece];
        if (have.get(piece) || progress == null) {
            return List.of();
        }
        unstart(piece);
        return List.copyOf(progress.senders());
    }

    // ---- state for the session and the UI ----

    public synchronized boolean isComplete() {
        return have.isComplete();
    }

    public synchronized int missingPieces() {
        return pieceCount - have.cardinality();
    }

    /** A copy of the verified pieces. */
    public synchronized Bitfield have() {
        return have.copy();
    }

    /** How many connected peers have the piece. */
    public synchronized int availability(int piece) {
        checkPiece(piece);
        return rarity.availability(piece);
    }

    /** Number of pieces started and not yet verified (bounded by maxPiecesInFlight). */
    public synchronized int piecesInFlight() {
        return started.size();
    }

    /**
     * Distributed copies as clients show it: the number of complete copies among connected peers plus the fraction
     * of pieces seen more often than that. O(pieces): for the UI, not the hot path.
     */
    public synchronized double distributedCopies() {
        if (pieceCount == 0) {
            return 0;
        }
        int min = Integer.MAX_VALUE;
        for (int piece = 0; piece < pieceCount; piece++) {
            min = Math.min(min, rarity.availability(piece));
        }
        int above = 0;
        for (int piece = 0; piece < pieceCount; piece++) {
            if (rarity.availability(piece) > min) {
                above++;
            }
        }
        return min + (double) above / pieceCount;
    }

    // ---- internals ----

    private List<Integer> abandonUnavailablePieces() {
        List<Integer> abandoned = List.of();
        for (int i = started.size() - 1; i >= 0; i--) {
            PieceProgress<P> progress = started.get(i);
            if (!progress.isComplete() && rarity.availability(progress.piece) == 0) {
                if (abandoned.isEmpty()) {
                    abandoned = new ArrayList<>();
                }
                abandoned.add(progress.piece);
                progressOf[progress.piece] = null;
                started.remove(i);
            }
        }
        return abandoned;
    }

    private void releaseLocked(P peer) {
        for (int i = 0; i < started.size(); i++) {
            releaseAll(started.get(i), peer);
        }
        dropUnstartedPieces();
    }

    private void releaseAll(PieceProgress<P> progress, P peer) {
        for (int block = 0; block < progress.blockCount(); block++) {
            progress.removeRequester(block, peer);
        }
    }

    /** A started piece whose every request went back holds no data: unstart it so it counts against no cap. */
    private void dropUnstartedPieces() {
        for (int i = started.size() - 1; i >= 0; i--) {
            if (!started.get(i).isStarted()) {
                progressOf[started.get(i).piece] = null;
                started.remove(i);
            }
        }
    }

    private void dropIfUnstarted(PieceProgress<P> progress) {
        if (!progress.isStarted()) {
            unstart(progress.piece);
        }
    }

    private void unstart(int piece) {
        PieceProgress<P> progress = progressOf[piece];
        if (progress != null) {
            progressOf[piece] = null;
            started.remove(progress);
        }
    }

    private static boolean isExactBlock(PieceProgress<?> progress, BlockRequest block) {
        if (block.offset() % BlockRequest.BLOCK_SIZE != 0 || block.blockIndex() >= progress.blockCount()) {
            return false;
        }
        return block.length() == Math.min(BlockRequest.BLOCK_SIZE, progress.length - block.offset());
    }

    private int lengthOf(int piece) {
        int length = pieceLength.applyAsInt(piece);
        if (length <= 0) {
            throw new IllegalStateException("piece " + piece + " has length " + length);
        }
        return length;
    }

    private void checkPiece(int piece) {
        if (piece < 0 || piece >= pieceCount) {
            throw new IndexOutOfBoundsException("piece " + piece + " outside 0.." + (pieceCount - 1));
        }
    }

    private static void checkSize(Bitfield wanted, int pieceCount) {
        if (wanted.size() != pieceCount) {
            throw new IllegalArgumentException("wanted bitfield has " + wanted.size() + " pieces, expected " + pieceCount);
        }
    }

    private void checkSize(Bitfield has) {
        if (has.size() != pieceCount) {
            throw new IllegalArgumentException("peer bitfield has " + has.size() + " pieces, expected " + pieceCount);
        }
    }
}
