package io.btget.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.btget.metainfo.Torrent;
import io.btget.metainfo.TorrentBuilder;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * End to end, as a user runs it: a btget leecher downloads a magnet link that names only a peer ({@code x.pe}, no
 * tracker) from a btget seeder, both the built jar in processes of their own on 127.0.0.1. The leecher fetches the
 * metadata (BEP 9) from the seeder, keeps it (a rerun fetches nothing) and writes it with --save-torrent. The
 * refusals that need no network (nowhere to look, v2-only, malformed) are checked too.
 */
@Timeout(180)
class MagnetDownloadIT {
    @TempDir
    Path dir;

    private final List<Process> processes = new ArrayList<>();

    @AfterEach
    void stop() throws InterruptedException {
        for (Process p : processes) {
            p.destroyForcibly();
            p.waitFor(10, TimeUnit.SECONDS);
        }
    }

    @Test
    void aLeecherDownloadsAMagnetWithOnlyXpeFromABtgetSeeder() throws Exception {
        Path seedDir = Files.createDirectories(dir.resolve("seed"));
        byte[] data = new byte[2 * 1024 * 1024 + 77];
        new Random(9).nextBytes(data);
        Files.write(seedDir.resolve("payload.bin"), data);
        TorrentBuilder.Result built = new TorrentBuilder(seedDir.resolve("payload.bin"))
                .pieceLength(Optional.of(32 * 1024)).build((done, total) -> { });
        Path torrentFile = dir.resolve("payload.torrent");
        Files.write(torrentFile, built.torrentFile());
        String hash = built.torrent().infoHash().hex();

        int seedPort = freePort();
        start("seed", "seed", torrentFile.toString(), "-d", seedDir.toString(), "-p", Integer.toString(seedPort),
                "--bind", "127.0.0.1");
        awaitListening(seedPort);

        String magnet = "magnet:?xt=urn:btih:" + hash + "&dn=payload.bin&x.pe=127.0.0.1:" + seedPort;
        Path leechDir = dir.resolve("leech");
        Path saved = dir.resolve("saved.torrent");
        Process leecher = start("leech", magnet, "-d", leechDir.toString(), "-p", Integer.toString(freePort()),
                "--bind", "127.0.0.1", "--json", "--save-torrent", saved.toString());
        assertThat(leecher.waitFor(120, TimeUnit.SECONDS)).as("leecher finished").isTrue();
        String out = read("leech", "out");
        assertThat(leecher.exitValue()).as("exit code; stderr: %s", read("leech", "err")).isZero();
        assertThat(out).contains("\"metadata_received\"").contains("\"totalSize\":" + data.length)
                .contains("\"pieceCount\":" + built.torrent().pieceCount());
        assertThat(Files.readAllBytes(leechDir.resolve("payload.bin"))).isEqualTo(data);
        Torrent written = Torrent.parse(Files.readAllBytes(saved));
        assertThat(written.infoHash().hex()).isEqualTo(hash);
        assertThat(written.infoBytes()).isEqualTo(built.torrent().infoBytes());

        // A rerun into the same folder uses the kept metadata: nothing is fetched again. The rerun's magnet has a
        // tracker and a web seed the first had not: --save-torrent writes them (review defect 5).
        String tracker = "http://127.0.0.1:" + freePort() + "/announce";
        String webSeed = "http://127.0.0.1:" + freePort() + "/payload.bin";
        Path saved2 = dir.resolve("saved2.torrent");
        Process rerun = start("rerun", magnet + "&tr=" + tracker + "&ws=" + webSeed, "-d", leechDir.toString(),
                "-p", Integer.toString(freePort()), "--bind", "127.0.0.1", "--json", "--save-torrent", saved2.toString());
        assertThat(rerun.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(rerun.exitValue()).as("stderr: %s", read("rerun", "err")).isZero();
        assertThat(read("rerun", "out")).doesNotContain("metadata_received").contains("\"complete\"")
                .contains("{\"event\":\"metadata_cached\"").contains("\"infoHash\":\"" + hash + "\"");
        Torrent rewritten = Torrent.parse(Files.readAllBytes(saved2));
        assertThat(rewritten.infoBytes()).isEqualTo(built.torrent().infoBytes());
        assertThat(rewritten.trackerTiers()).containsExactly(List.of(tracker));
        assertThat(rewritten.webSeeds()).containsExactly(webSeed);
    }

    @Test
    void aMagnetWithNowhereToFindPeersEndsAtOnceWithExit4() throws Exception {
        Process p = start("nowhere", "magnet:?xt=urn:btih:" + "ab".repeat(20), "-d", dir.resolve("x").toString());
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).isEqualTo(4);
        assertThat(read("nowhere", "err")).contains("nowhere to find peers");
    }

    /** Review defect 10: an x.pe that cannot be dialled used to be dropped silently ("no peer (x.pe=)"). */
    @Test
    void anXpeThatCannotBeDialledIsNamedInTheExit4Message() throws Exception {
        Process p = start("port0", "magnet:?xt=urn:btih:" + "ab".repeat(20) + "&x.pe=127.0.0.1:0",
                "-d", dir.resolve("x").toString());
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).isEqualTo(4);
        assertThat(read("port0", "err")).contains("x.pe= '127.0.0.1:0'").contains("port outside 1..65535")
                .contains("nowhere to find peers").doesNotContain("no peer (x.pe=)");
    }

    /**
     * Review defect 10: an x.pe that refuses connections is not a peer that stopped sending; the run used to end with
     * "no peer sent the metadata" (stalled) although no handshake ever happened.
     */
    @Test
    void anXpeThatRefusesConnectionsIsReportedAsUnreachable() throws Exception {
        Process p = start("refused", "magnet:?xt=urn:btih:" + "ef".repeat(20) + "&x.pe=127.0.0.1:" + freePort(),
                "-d", dir.resolve("z").toString(), "-p", Integer.toString(freePort()), "--bind", "127.0.0.1",
                "--stall-timeout", "3s");
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).isEqualTo(4);
        assertThat(read("refused", "err")).contains("no peer could be reached").doesNotContain("sent the metadata");
    }

    /**
     * Issue 9 (user trial): the metadata stage used to show nothing until it ended. With --json it tells where it
     * listens and prints progress objects in phase "metadata"; its closing event names the info hash.
     */
    @Test
    void theMetadataStageShowsListeningAndProgressInJson() throws Exception {
        String hash = "5a".repeat(20);
        int port = freePort();
        Process p = start("metajson", "magnet:?xt=urn:btih:" + hash + "&x.pe=127.0.0.1:" + freePort(),
                "-d", dir.resolve("mj").toString(), "-p", Integer.toString(port), "--bind", "127.0.0.1",
                "--stall-timeout", "3s", "--json");
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as("stderr: %s", read("metajson", "err")).isEqualTo(4);
        List<String> lines = Files.readAllLines(dir.resolve("metajson.out"), StandardCharsets.UTF_8);
        assertThat(lines).anyMatch(l -> l.startsWith("{\"event\":\"listening\"") && l.contains("\"port\":" + port));
        assertThat(lines).anyMatch(l -> l.startsWith("{\"event\":\"progress\"")
                && l.contains("\"phase\":\"metadata\"") && l.contains("\"utMetadataPeers\":0"));
        assertThat(lines.get(lines.size() - 1)).startsWith("{\"event\":\"no_peers\"")
                .contains("\"infoHash\":\"" + hash + "\"");
    }

    /** Review defect 11: --save-torrent into a folder that does not exist used to fail only after the fetch. */
    @Test
    void saveTorrentIntoAMissingFolderIsExit5BeforeAnyFetch() throws Exception {
        Path missing = dir.resolve("no-such-folder").resolve("m.torrent");
        // x.pe names a port nobody listens on: without the check up front the fetch would run into the stall timeout
        Process p = start("savemissing", "magnet:?xt=urn:btih:" + "cd".repeat(20) + "&x.pe=127.0.0.1:" + freePort(),
                "-d", dir.resolve("y").toString(), "-p", Integer.toString(freePort()), "--bind", "127.0.0.1",
                "--stall-timeout", "120s", "--save-torrent", missing.toString());
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).as("exits before the fetch").isTrue();
        assertThat(p.exitValue()).isEqualTo(5);
        assertThat(read("savemissing", "err")).contains("--save-torrent").contains("No such file or directory");
        assertThat(dir.resolve("y")).doesNotExist();
    }

    @Test
    void aV2OnlyMagnetIsUnsupportedAndAMalformedOneSaysWhatIsWrong() throws Exception {
        Process v2 = start("v2", "info", "magnet:?xt=urn:btmh:1220" + "cd".repeat(32));
        assertThat(v2.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(v2.exitValue()).isEqualTo(3);
        assertThat(read("v2", "err")).contains("v2-only");

        Process bad = start("bad", "download", "magnet:?xt=urn:btih:xyz");
        assertThat(bad.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(bad.exitValue()).isEqualTo(3);
        assertThat(read("bad", "err")).contains("magnet");
    }

    // ---- plumbing ----

    private Process start(String name, String... args) throws IOException {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-Xmx256m", "-jar",
                Path.of(System.getProperty("btget.jar", "target/btget.jar")).toAbsolutePath().toString()));
        cmd.addAll(io.btget.DhtOff.args(List.of(args))); // no DHT (the internet) unless the test is about it
        ProcessBuilder pb = new ProcessBuilder(cmd).directory(dir.toFile())
                .redirectOutput(dir.resolve(name + ".out").toFile()).redirectError(dir.resolve(name + ".err").toFile());
        pb.environment().put("BTGET_STATE_DIR", dir.resolve("state").toString()); // never the user's own
        pb.environment().put("LC_ALL", "C.UTF-8");
        Process p = pb.start();
        processes.add(p);
        return p;
    }

    private String read(String name, String stream) throws IOException {
        return Files.readString(dir.resolve(name + "." + stream), StandardCharsets.UTF_8);
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    /** Until the seeder accepts connections (bounded by the test's timeout). */
    private static void awaitListening(int port) throws InterruptedException {
        while (true) {
            try (Socket s = new Socket()) {
                s.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 1000);
                return;
            } catch (IOException e) {
                Thread.sleep(100);
            }
        }
    }
}
