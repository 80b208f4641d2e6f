package io.btget.interop;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/** scripts/lt-seed.py: a python3-libtorrent 2.0 seeder on 127.0.0.1 (TCP only); prints READY when seeding. */
final class LibtorrentSeeder {
    private LibtorrentSeeder() {
    }

    static ManagedProcess start(Path logDir, Path torrent, Path dataDir, int port)
            throws IOException, InterruptedException {
        Path script = Tools.repositoryRoot().resolve("scripts/lt-seed.py");
        ManagedProcess p = ManagedProcess.start("libtorrent-seed-" + port, logDir, dataDir,
                List.of(Tools.SYSTEM_PYTHON, script.toString(), torrent.toString(), dataDir.toString(),
                        Integer.toString(port)));
        try {
            p.awaitOutput("READY", Duration.ofSeconds(30));
        } catch (AssertionError | InterruptedException e) {
            p.close();
            throw e;
        }
        return p;
    }
}
