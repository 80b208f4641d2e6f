package io.btget.peer.ext.metadata;

import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * Answers one peer's BEP 9 metadata requests; one per connection, pure (no I/O), not thread-safe (the connection's
 * reader offers requests and its writer polls answers, both under one lock of the owner's, or one thread does both).
 *
 * <p>Requests wait in a queue of at most {@link #MAX_QUEUED} entries, so a peer that floods requests costs a bounded
 * amount of memory; a request that finds the queue full is rejected at once. An answer is a {@link
 * UtMetadataMessage.Data} with the piece when we have the info dictionary and the piece is in range, otherwise a
 * {@link UtMetadataMessage.Reject} (BEP 9: "If the peer does not have the requested piece of metadata, it MUST
 * respond with a reject message").
 */
public final class MetadataServer {
    /** Requests queued per peer: metadata of the largest size allowed is 2048 pieces; a client asks a few at a time. */
    public static final int MAX_QUEUED = 16;

    private final Supplier<Optional<byte[]>> infoBytes;
    private final ArrayDeque<Integer> queue = new ArrayDeque<>();

    /**
     * @param infoBytes the raw info dictionary once we have it (a .torrent, or a magnet after its metadata was
     *                  verified), empty before; asked at every answer, so a magnet session can start serving as
     *                  soon as its fetch completes. The array is not modified.
     */
    public MetadataServer(Supplier<Optional<byte[]>> infoBytes) {
        this.infoBytes = infoBytes;
    }

    /**
     * A request arrived.
     *
     * @return a reject to send at once when the queue is full; empty when the request was queued
     */
    public Optional<UtMetadataMessage> onRequest(int piece) {
        if (queue.size() >= MAX_QUEUED) {
            return Optional.of(new UtMetadataMessage.Reject(piece));
        }
        queue.add(piece);
        return Optional.empty();
    }

    /** The answer to the oldest queued request, or empty when none waits. */
    public Optional<UtMetadataMessage> poll() {
        Integer piece = queue.poll();
        if (piece == null) {
            return Optional.empty();
        }
        return Optional.of(answer(piece, infoBytes.get()));
    }

    /** Requests waiting. */
    public int queued() {
        return queue.size();
    }

    /** Drops the queued requests (the connection closes, or the peer was choked out of the metadata). */
    public void clear() {
        queue.clear();
    }

    /** The BEP 9 answer to a request for {@code piece}: its data, or a reject when we lack it or it is out of range. */
    static UtMetadataMessage answer(int piece, Optional<byte[]> info) {
        if (info.isEmpty() || info.get().length == 0 || info.get().length > MetadataFetch.MAX_METADATA_SIZE) {
            return new UtMetadataMessage.Reject(piece);
        }
        byte[] bytes = info.get();
        int length = UtMetadataMessage.pieceLength(piece, bytes.length);
        if (length < 0) {
            return new UtMetadataMessage.Reject(piece);
        }
        int start = piece * UtMetadataMessage.PIECE_SIZE;
        return new UtMetadataMessage.Data(piece, bytes.length, Arrays.copyOfRange(bytes, start, start + length));
    }
}
