package io.btget.interop;

import java.io.IOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

/** BEP 9 magnet links for the tests: {@code xt=urn:btih:<40 hex>}, then {@code tr=} and {@code x.pe=} parameters. */
final class Magnets {
    private Magnets() {
    }

    /** The magnet of {@code torrent}'s v1 info hash, with no tracker and no peer. */
    static String of(Path torrent) throws IOException {
        return "magnet:?xt=urn:btih:" + Torrents.infoHashHex(torrent);
    }

    /** {@code magnet} with a {@code tr=} (tracker URL, percent-encoded). */
    static String withTracker(String magnet, String announceUrl) {
        return magnet + "&tr=" + URLEncoder.encode(announceUrl, StandardCharsets.UTF_8);
    }

    /** {@code magnet} with an {@code x.pe=127.0.0.1:port} (a peer address, BEP 9). */
    static String withPeer(String magnet, int port) {
        return magnet + "&x.pe=127.0.0.1:" + port;
    }
}
