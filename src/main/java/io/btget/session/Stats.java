package io.btget.session;

/**
 * A snapshot of one torrent's state for the progress views and {@code --json}.
 *
 * @param phase          metadata (a magnet's metadata stage, BEP 9), checking, downloading, seeding, stopping
 * @param totalBytes     size of the torrent; with a file selection, of its wanted pieces (whole pieces: a piece shared
 *                       with an unselected file counts in full)
 * @param verifiedBytes  bytes of verified pieces on disk
 * @param downloaded     payload bytes received this run (including wasted)
 * @param uploaded       payload bytes sent this run
 * @param downloadRate   bytes/s over the last seconds
 * @param uploadRate     bytes/s over the last seconds
 * @param peersConnected open connections
 * @param peersKnown     addresses known
 * @param seedsConnected connected peers that have everything
 * @param piecesHave     verified pieces
 * @param pieceCount     pieces in the torrent; with a file selection, the wanted ones
 * @param hashFailures   pieces that failed their hash this run
 * @param wasted         payload bytes received but not used
 * @param elapsedMillis  since the session started
 * @param utMetadataPeers connected peers whose extended handshake (BEP 10) names {@code ut_metadata} (BEP 9); 0
 *                       outside the {@code metadata} phase. In that phase {@code piecesHave}/{@code pieceCount} count
 *                       16 KiB metadata pieces (0/0 until a peer told the metadata size) and the byte fields are 0.
 * @param dhtNodes       nodes in the process's DHT routing table (0 when the DHT is off or the torrent private)
 * @param dhtPeers       distinct peers this torrent's DHT search found so far (0 when none runs)
 * @param webSeeds       web seeds (BEP 19) in use: fetching or waiting to retry; counted apart from the peers, as
 *                       they are not connections of the swarm
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
        long elapsedMillis,
        int utMetadataPeers,
        int dhtNodes,
        int dhtPeers,
        int webSeeds) {

    /** Stats without web seeds. */
    public Stats(String phase, long totalBytes, long verifiedBytes, long downloaded, long uploaded,
            double downloadRate, double uploadRate, int peersConnected, int peersKnown, int seedsConnected,
            int piecesHave, int pieceCount, int hashFailures, long wasted, long elapsedMillis, int utMetadataPeers,
            int dhtNodes, int dhtPeers) {
        this(phase, totalBytes, verifiedBytes, downloaded, uploaded, downloadRate, uploadRate, peersConnected,
                peersKnown, seedsConnected, piecesHave, pieceCount, hashFailures, wasted, elapsedMillis,
                utMetadataPeers, dhtNodes, dhtPeers, 0);
    }

    /** The phase of a magnet's metadata stage (BEP 9): pieces are metadata pieces, no payload yet. */
    public static final String METADATA = "metadata";

    /** Stats of a torrent (any phase but {@link #METADATA}). */
    public Stats(String phase, long totalBytes, long verifiedBytes, long downloaded, long uploaded,
            double downloadRate, double uploadRate, int peersConnected, int peersKnown, int seedsConnected,
            int piecesHave, int pieceCount, int hashFailures, long wasted, long elapsedMillis) {
        this(phase, totalBytes, verifiedBytes, downloaded, uploaded, downloadRate, uploadRate, peersConnected,
                peersKnown, seedsConnected, piecesHave, pieceCount, hashFailures, wasted, elapsedMillis, 0);
    }

    /** Stats without DHT figures. */
    public Stats(String phase, long totalBytes, long verifiedBytes, long downloaded, long uploaded,
            double downloadRate, double uploadRate, int peersConnected, int peersKnown, int seedsConnected,
            int piecesHave, int pieceCount, int hashFailures, long wasted, long elapsedMillis, int utMetadataPeers) {
        this(phase, totalBytes, verifiedBytes, downloaded, uploaded, downloadRate, uploadRate, peersConnected,
                peersKnown, seedsConnected, piecesHave, pieceCount, hashFailures, wasted, elapsedMillis,
                utMetadataPeers, 0, 0);
    }

    /** These stats with the DHT figures {@code nodes} (routing table) and {@code peers} (found for this torrent). */
    public Stats withDht(int nodes, int peers) {
        return new Stats(phase, totalBytes, verifiedBytes, downloaded, uploaded, downloadRate, uploadRate,
                peersConnected, peersKnown, seedsConnected, piecesHave, pieceCount, hashFailures, wasted,
                elapsedMillis, utMetadataPeers, nodes, peers, webSeeds);
    }

    /** These stats with {@code count} web seeds in use. */
    public Stats withWebSeeds(int count) {
        return new Stats(phase, totalBytes, verifiedBytes, downloaded, uploaded, downloadRate, uploadRate,
                peersConnected, peersKnown, seedsConnected, piecesHave, pieceCount, hashFailures, wasted,
                elapsedMillis, utMetadataPeers, dhtNodes, dhtPeers, count);
    }

    /**
     * Stats of the metadata stage: {@code piecesHave} of {@code pieceCount} metadata pieces (0/0 while the size is
     * unknown).
     */
    public static Stats metadata(int peersConnected, int peersKnown, int utMetadataPeers, int piecesHave,
            int pieceCount, long elapsedMillis) {
        return new Stats(METADATA, 0, 0, 0, 0, 0, 0, peersConnected, peersKnown, 0, piecesHave, pieceCount, 0, 0,
                elapsedMillis, utMetadataPeers);
    }

    /** Whether this is the metadata stage's (no payload bytes yet). */
    public boolean isMetadata() {
        return METADATA.equals(phase);
    }

    /** Done, 0..1: of the payload, or in the metadata phase of the metadata pieces (0 while their count is unknown). */
    public double fraction() {
        if (isMetadata()) {
            return pieceCount == 0 ? 0.0 : Math.min(1.0, piecesHave / (double) pieceCount);
        }
        return totalBytes == 0 ? 1.0 : verifiedBytes / (double) totalBytes;
    }

    /** Seconds left at the current rate, or -1 when unknown. */
    public long etaSeconds() {
        if (isMetadata()) {
            return -1;
        }
        long left = totalBytes - verifiedBytes;
        if (left <= 0) {
            return 0;
        }
        return downloadRate < 1 ? -1 : (long) Math.ceil(left / downloadRate);
    }
}
