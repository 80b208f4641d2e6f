package io.btget.webseed;

import io.btget.metainfo.Torrent;
import io.btget.peer.BlockSource;
import io.btget.peer.RateLimiter;
import io.btget.piece.Bitfield;
import io.btget.piece.BlockRequest;
import io.btget.piece.PiecePicker;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * The session's part of a web seed, reduced for tests: piece buffers, the SHA-1 check, verified pieces, and a bad
 * piece charged to the source twice (as {@code PieceCompletion} charges a piece's only source) until it is closed.
 */
final class ReducedHost implements WebSeedHost {
    final Torrent torrent;
    final PiecePicker<BlockSource> picker;
    final Bitfield verified;
    final byte[] disk;
    final List<String> events = new CopyOnWriteArrayList<>();
    final Map<Integer, byte[]> buffers = new ConcurrentHashMap<>();
    final Map<Integer, Integer> blocks = new ConcurrentHashMap<>();

    ReducedHost(Torrent torrent) {
        this.torrent = torrent;
        this.picker = new PiecePicker<>(torrent.pieceCount(), torrent::pieceSize, new Bitfield(torrent.pieceCount()),
                new Random(1), 8);
        this.verified = new Bitfield(torrent.pieceCount());
        this.disk = new byte[(int) torrent.totalLength()];
    }

    byte[] result() {
        return disk;
    }

    @Override
    public PiecePicker<BlockSource> picker() {
        return picker;
    }

    @Override
    public byte[] pieceBuffer(int piece) {
        return buffers.computeIfAbsent(piece, p -> new byte[torrent.pieceSize(p)]);
    }

    @Override
    public synchronized void blockStored(BlockSource from, BlockRequest block, byte[] buffer) {
        int size = torrent.pieceSize(block.piece());
        int count = blocks.merge(block.piece(), 1, Integer::sum);
        if (count < (size + BlockRequest.BLOCK_SIZE - 1) / BlockRequest.BLOCK_SIZE) {
            return;
        }
        blocks.remove(block.piece());
        buffers.remove(block.piece());
        byte[] want = Arrays.copyOfRange(torrent.pieceHashes(), block.piece() * 20, block.piece() * 20 + 20);
        byte[] got;
        try {
            got = MessageDigest.getInstance("SHA-1").digest(Arrays.copyOf(buffer, size));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new AssertionError(e);
        }
        if (Arrays.equals(want, got)) {
            System.arraycopy(buffer, 0, disk, (int) ((long) block.piece() * torrent.pieceLength()), size);
            verified.set(block.piece());
            picker.pieceVerified(block.piece());
        } else {
            picker.pieceFailed(block.piece());
            from.chargeHashFailure();
            if (from.chargeHashFailure() >= io.btget.peer.Limits.MAX_HASH_FAILURES) {
                from.close("sent data for pieces that failed their hash check", true);
            }
        }
    }

    @Override
    public void countWasted(int bytes) {
    }

    @Override
    public void piecesAbandoned(List<Integer> pieces) {
        for (int p : pieces) {
            buffers.remove(p);
            blocks.remove(p);
        }
    }

    @Override
    public synchronized boolean isComplete() {
        return verified.isComplete();
    }

    @Override
    public RateLimiter downloadLimiter() {
        return new RateLimiter(0);
    }

    @Override
    public void event(String type, String message, Map<String, Object> fields) {
        events.add(type + ": " + message);
    }
}
