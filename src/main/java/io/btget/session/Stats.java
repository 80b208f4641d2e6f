package io.btget.session;

/**
 * A snapshot of one torrent's state for the progress views and {@code --json}.
 *
 * @param phase          checking, downloading, seeding, stopping
 * @param totalBytes     size of the torrent
 * @param verifiedBytes  bytes of verified pieces on disk
 * @param downloaded     payload bytes received this run (including wasted)
 * @param uploaded       payload bytes sent this run
 * @param downloadRate   bytes/s over the last seconds
 * @param uploadRate     bytes/s over the last seconds
 * @param peersConnected open connections
 * @param peersKnown     addresses known
 * @param seedsConnected connected peers that have everything
 * @param piecesHave     verified pieces
 * @param pieceCount     pieces in the torrent
 * @param hashFailures   pieces that failed their hash this run
 * @param wasted         payload bytes received but not used
 * @param elapsedMillis  since the session started
 */
public record Stats(
        String phase,
        long totalBytes,
        long verifiedBytes,
        long downloaded,
        long uploaded,
        double downloadRate,
        double uploadRate,
        int peersConnected,
        int peersKnown,
        int seedsConnected,
        int piecesHave,
        int pieceCount,
        int hashFailures,
        long wasted,
        long elapsedMillis) {

    public double fraction() {
        return totalBytes == 0 ? 1.0 : verifiedBytes / (double) totalBytes;
    }

    /** Seconds left at the current rate, or -1 when unknown. */
    public long etaSeconds() {
        long left = totalBytes - verifiedBytes;
        if (left <= 0) {
            return 0;
        }
        return downloadRate < 1 ? -1 : (long) Math.ceil(left / downloadRate);
    }
}
