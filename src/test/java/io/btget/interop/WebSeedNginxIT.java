package io.btget.interop;

import static org.assertj.core.api.Assertions.assertThat;

import io.btget.metainfo.TorrentBuilder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A web seed (BEP 19) on nginx, the web server most mirrors run: it honours Range (206 with Content-Range), and here
 * the URL in the torrent answers with a redirect to where the files are, as a mirror that moved does. The torrent
 * has no trackers; btget must fetch every file of a multi-file torrent (names that need percent-encoding) from it,
 * and aria2c, fetching the same torrent from the same server, shows the URL forms are the ones clients agree on.
 */
@Tag("interop")
@Timeout(180)
class WebSeedNginxIT extends InteropTestBase {
    @Test
    void aMultiFileTorrentFromNginxBehindARedirect() throws Exception {
        Nginx.require();
        Path www = newDir("www");
        Path data = Files.createDirectories(www.resolve("my set"));
        Files.createDirectories(data.resolve("sub dir"));
        Random r = new Random(19);
        for (String name : List.of("one #1.bin", "sub dir/two ü.bin", "three.bin")) {
            byte[] b = new byte[1_500_000 + r.nextInt(1_000_000)];
            r.nextBytes(b);
            Files.write(data.resolve(name), b);
        }
        Nginx nginx = track(Nginx.start(dir, logs(), String.join("\n",
                "    root " + www + ";",
                "    location /moved/ { rewrite ^/moved/(.*)$ /$1 redirect; }")));
        byte[] torrent = new TorrentBuilder(data).pieceLength(Optional.of(256 << 10))
                .webSeeds(List.of(nginx.url("/moved/"))).build((done, total) -> { }).torrentFile();
        Path t = dir.resolve("set.torrent");
        Files.write(t, torrent);

        Path out = newDir("out");
        BtgetProcess btget = btget("btget-download", "download", t.toString(), "-d", out.toString());
        assertThat(btget.awaitExit(Duration.ofSeconds(90))).as(btget.describe()).isZero();
        assertSameFiles(data, out.resolve("my set"));
        String log = nginx.accessLog();
        assertThat(log).contains("206 GET /my set/three.bin").contains("302 GET /moved/my set/one #1.bin");

        Tools.require("aria2c");
        Path ariaOut = newDir("aria-out");
        ManagedProcess aria = track(Aria2.download(logs(), t, ariaOut, Ports.free()));
        assertThat(aria.awaitExit(Duration.ofSeconds(90))).as(aria.describe()).isZero();
        assertSameFiles(data, ariaOut.resolve("my set"));
    }

    private static void assertSameFiles(Path want, Path got) throws Exception {
        try (var files = Files.walk(want)) {
            for (Path f : files.filter(Files::isRegularFile).toList()) {
                assertThat(Files.mismatch(f, got.resolve(want.relativize(f).toString()))).as("%s", f).isEqualTo(-1L);
            }
        }
    }
}
