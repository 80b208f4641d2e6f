package io.btget.interop;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** lt-download.py: a python3-libtorrent 2.0 downloader on 127.0.0.1; prints DONE and exits 0 once seeding. */
final class LibtorrentDownloader {
    private LibtorrentDownloader() {
    }

    static ManagedProcess start(Path work, Path torrent, Path dataDir, int port, String... peers) throws IOException {
        Path script = work.resolve("lt-download.py");
        if (!Files.exists(script)) {
            try (InputStream in = LibtorrentDownloader.class.getResourceAsStream("lt-download.py")) {
                Files.copy(in, script);
            }
        }
        List<String> cmd = new ArrayList<>(List.of(Tools.SYSTEM_PYTHON, script.toString(), torrent.toString(),
                Files.createDirectories(dataDir).toString(), Integer.toString(port)));
        cmd.addAll(List.of(peers));
        return ManagedProcess.start("libtorrent-get-" + port, work.resolve("logs"), work, cmd);
    }
}
