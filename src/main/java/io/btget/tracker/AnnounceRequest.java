package io.btget.tracker;

import io.btget.metainfo.InfoHash;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Objects;

/**
 * What a client tells a tracker in one announce (BEP 3, BEP 15).
 *
 * @param peerId   our 20-byte peer id
 * @param port     the TCP port we accept peers on (1..65535)
 * @param numWant  how many peers we would like; negative means "tracker default" (BEP 15 uses -1)
 */
public record AnnounceRequest(InfoHash infoHash, byte[] peerId, int port, long uploaded, long downloaded,
                              long left, AnnounceEvent event, int numWant) {
    public static final int PEER_ID_LENGTH = 20;
    /** What we ask for when we do not care: enough to fill a connection pool, small enough to parse cheaply. */
    public static final int DEFAULT_NUM_WANT = 50;

    public AnnounceRequest {
        Objects.requireNonNull(infoHash, "infoHash");
        Objects.requireNonNull(event, "event");
        if (peerId.length != PEER_ID_LENGTH) {
            throw new IllegalArgumentException("peer id must be 20 bytes, got " + peerId.length);
        }
        if (port < 1 || port > 65535) {
            throw new IllegalArgumentException("port out of range: " + port);
        }
        if (uploaded < 0 || downloaded < 0 || left < 0) {
            throw new IllegalArgumentException("negative transfer total");
        }
        peerId = peerId.clone();
    }

    @Override
    public byte[] peerId() {
        return peerId.clone();
    }

    /** The same request with another event. */
    public AnnounceRequest withEvent(AnnounceEvent newEvent) {
        return new AnnounceRequest(infoHash, peerId, port, uploaded, downloaded, left, newEvent, numWant);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof AnnounceRequest r && infoHash.equals(r.infoHash) && Arrays.equals(peerId, r.peerId)
                && port == r.port && uploaded == r.uploaded && downloaded == r.downloaded && left == r.left
                && event == r.event && numWant == r.numWant;
    }

    @Override
    public int hashCode() {
        return Objects.hash(infoHash, Arrays.hashCode(peerId), port, uploaded, downloaded, left, event, numWant);
    }

    @Override
    public String toString() {
        return "AnnounceRequest[" + infoHash + " peer " + HexFormat.of().formatHex(peerId) + " port " + port
                + " up " + uploaded + " down " + downloaded + " left " + left + " " + event + " numwant " + numWant + "]";
    }
}
