package io.btget.cli.progress;

import io.btget.cli.Units;
import io.btget.session.Stats;

/**
 * The progress line of a magnet's metadata stage (phase {@link Stats#METADATA}, BEP 9), for every view: there are
 * no payload bytes yet, so it names peers and metadata pieces instead of a percentage of 0 B, e.g.
 * "fetching metadata: 3 of 9 peers (2 with ut_metadata), 5/12 pieces". Before any peer told the metadata size the
 * pieces read "size not known yet".
 */
public final class MetadataLine {
    private MetadataLine() {
    }

    /**
     * The line as parts: the peers part goes first as the terminal narrows, then {@code trouble}, then the pieces.
     *
     * @param trouble a short note for the end of the line ("tracker: refused"), or null
     */
    public static StatusLine of(Stats s, String trouble) {
        return of(s, trouble, null);
    }

    /**
     * As above, with {@code dht} ("dht: 120 nodes, 3 peers", or null) before the trouble; for a trackerless magnet it
     * is the one sign of progress, so it stays until only "fetching metadata:" is left.
     */
    public static StatusLine of(Stats s, String trouble, String dht) {
        String pieces = s.pieceCount() == 0 ? "size not known yet"
                : s.piecesHave() + "/" + Units.count(s.pieceCount(), "piece");
        String peers = s.peersConnected() + " of " + Units.count(s.peersKnown(), "peer") + " ("
                + s.utMetadataPeers() + " with ut_metadata),";
        return StatusLine.builder().add("fetching metadata:", 100).add(peers, 80).add(pieces, 90)
                .add(dht == null ? "" : dht, 95).add(trouble == null ? "" : trouble, 85).build();
    }
}
