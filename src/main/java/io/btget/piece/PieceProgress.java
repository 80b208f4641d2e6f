package io.btget.piece;

import java.util.ArrayList;
import java.util.List;

/**
 * The blocks of one piece that is being downloaded: which are received and which peers each is requested from.
 * Not thread-safe: every field is guarded by the lock of the {@link PiecePicker} that owns it, and no reference
 * to it leaves the picker.
 */
final class PieceProgress<P> {
    final int piece;
    final int length;
    private final boolean[] received;
    /** The first (usually only) peer each block is requested from; null when none. */
    private final Object[] requester;
    /** The peer each received block came from, to know whom to blame if the piece fails its hash check. */
    private final Object[] sender;
    /** Further requesters per block, only in endgame; null until needed. */
    private List<List<P>> extraRequesters;
    private int receivedCount;
    /** Blocks neither received nor requested from anyone. */
    private int unassignedCount;

    PieceProgress(int piece, int length) {
        this.piece = piece;
        this.length = length;
        int blocks = BlockRequest.blockCount(length);
        this.received = new boolean[blocks];
        this.requester = new Object[blocks];
        this.sender = new Object[blocks];
        this.unassignedCount = blocks;
    }

    int blockCount() {
        return received.length;
    }

    boolean isReceived(int block) {
        return received[block];
    }

    boolean isComplete() {
        return receivedCount == received.length;
    }

    boolean hasUnassignedBlocks() {
        return unassignedCount > 0;
    }

    boolean isStarted() {
        return unassignedCount < received.length;
    }

    boolean isRequested(int block) {
        return requester[block] != null;
    }

    /** How many peers this block is requested from (more than one only in endgame). */
    int requesterCount(int block) {
        if (requester[block] == null) {
            return 0;
        }
        List<P> extra = extraFor(block);
        return 1 + (extra == null ? 0 : extra.size());
    }

    /** The distinct peers that sent this piece's received blocks. */
    List<P> senders() {
        List<P> senders = new ArrayList<>(2);
        for (Object o : sender) {
            @SuppressWarnings("unchecked")
            P peer = (P) o;
            if (peer != null && senders.stream().noneMatch(known -> known == peer)) {
                senders.add(peer);
            }
        }
        return senders;
    }

    /** Whether every peer this block is requested from passes {@code test}. */
    @SuppressWarnings("unchecked")
    boolean allRequestersMatch(int block, java.util.function.Predicate<P> test) {
        if (requester[block] != null && !test.test((P) requester[block])) {
            return false;
        }
        List<P> extra = extraFor(block);
        if (extra != null) {
            for (P p : extra) {
                if (!test.test(p)) {
                    return false;
                }
            }
        }
        return true;
    }

    boolean isRequestedFrom(int block, P peer) {
        if (requester[block] == peer) {
            return true;
        }
        List<P> extra = extraFor(block);
        if (extra == null) {
            return false;
        }
        for (P p : extra) {
            if (p == peer) {
                return true;
            }
        }
        return false;
    }

    void addRequester(int block, P peer) {
        if (requester[block] == null) {
            requester[block] = peer;
            unassignedCount--;
            return;
        }
        if (extraRequesters == null) {
            extraRequesters = new ArrayList<>(received.length);
            for (int i = 0; i < received.length; i++) {
                extraRequesters.add(null);
            }
        }
        List<P> extra = extraRequesters.get(block);
        if (extra == null) {
            extra = new ArrayList<>(2);
            extraRequesters.set(block, extra);
        }
        extra.add(peer);
    }

    /** Removes one peer's request for a block; true if it had one. */
    boolean removeRequester(int block, P peer) {
        List<P> extra = extraFor(block);
        if (requester[block] == peer) {
            if (extra != null && !extra.isEmpty()) {
                requester[block] = extra.remove(extra.size() - 1);
            } else {
                requester[block] = null;
                if (!received[block]) {
                    unassignedCount++;
                }
            }
            return true;
        }
        if (extra != null) {
            for (int i = 0; i < extra.size(); i++) {
                if (extra.get(i) == peer) {
                    extra.remove(i);
                    return true;
                }
            }
        }
        return false;
    }

    /** Marks a block received from {@code from}; returns the other peers that still had it requested. */
    List<P> markReceived(int block, P from) {
        received[block] = true;
        receivedCount++;
        sender[block] = from;
        List<P> others = List.of();
        List<P> extra = extraFor(block);
        @SuppressWarnings("unchecked")
        P first = (P) requester[block];
        if (first != null && first != from) {
            others = new ArrayList<>(2);
            others.add(first);
        }
        if (extra != null) {
            for (P p : extra) {
                if (p != from) {
                    if (others.isEmpty()) {
                        others = new ArrayList<>(2);
                    }
                    others.add(p);
                }
            }
            extra.clear();
        }
        if (first == null) {
            unassignedCount--;
        }
        requester[block] = null;
        return others;
    }

    private List<P> extraFor(int block) {
        return extraRequesters == null ? null : extraRequesters.get(block);
    }
}
