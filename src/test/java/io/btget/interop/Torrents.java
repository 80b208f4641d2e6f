package io.btget.interop;

import io.btget.metainfo.Torrent;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/** Makes .torrent files with reference tools (mktorrent, python3-libtorrent) for the data a test generated. */
final class Torrents {
    private Torrents() {
    }

    /** mktorrent 1.1, v1, pieces of 2^log2PieceLength bytes, one tracker per tier. */
    static Path mktorrent(Path work, Path source, String name, int log2PieceLength, String... trackers)
            throws IOException, InterruptedException {
        Path out = work.resolve(name + ".torrent");
        List<String> cmd = new ArrayList<>(List.of("mktorrent", "-l", Integer.toString(log2PieceLength), "-o",
                out.toString()));
        for (String t : trackers) {
            cmd.addAll(List.of("-a", t));
        }
        cmd.add(source.toString());
        runToSuccess(work, "mktorrent-" + name, cmd);
        return out;
    }

    /** python3-libtorrent 2.0: {@code hybrid} gives v1+v2 with BEP 47 padding files, otherwise v1 only. */
    static Path libtorrent(Path work, Path source, String name, int pieceSize, boolean hybrid, String... trackers)
            throws IOException, InterruptedException {
        Path script = work.resolve("lt-make-torrent.py");
        if (!Files.exists(script)) {
            try (InputStream in = Torrents.class.getResourceAsStream("lt-make-torrent.py")) {
                Files.copy(in, script);
            }
        }
        Path out = work.resolve(name + ".torrent");
        List<String> cmd = new ArrayList<>(List.of(Tools.SYSTEM_PYTHON, script.toString(), source.toString(),
                out.toString(), Integer.toString(pieceSize), hybrid ? "hybrid" : "v1"));
        cmd.addAll(List.of(trackers));
        runToSuccess(work, "lt-make-" + name, cmd);
        return out;
    }

    static Torrent parse(Path torrent) throws IOException {
        return Torrent.parse(Files.readAllBytes(torrent));
    }

    static String infoHashHex(Path torrent) throws IOException {
        return parse(torrent).infoHash().hex();
    }

    private static void runToSuccess(Path work, String name, List<String> cmd)
            throws IOException, InterruptedException {
        try (ManagedProcess p = ManagedProcess.start(name, work.resolve("logs"), work, cmd)) {
            int code = p.awaitExit(Duration.ofSeconds(60));
            if (code != 0) {
                throw new AssertionError(name + " exited with " + code + "\n" + p.describe());
            }
        }
    }
}
