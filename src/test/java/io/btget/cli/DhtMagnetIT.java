package io.btget.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.btget.metainfo.TorrentBuilder;
import java.io.IOException;
import java.net.DatagramSocket;
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
 * End to end on 127.0.0.1, btget only, as a user runs it: a magnet with no tracker and no peer downloads through
 * the DHT. Three processes of the built jar: a node everyone bootstraps from (a btget seeding another torrent), a
 * seeder that announces itself there, and a leecher whose only way to its peer is a get_peers lookup; then
 * {@code btget dht get-peers} finds the seeder too. No process ever sees the default routers
 * ({@code --dht-bootstrap} replaces them).
 */
@Timeout(240)
class DhtMagnetIT {
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
    void aMagnetWithNoTrackerAndNoPeerDownloadsThroughTheDht() throws Exception {
        Path routerDir = Files.createDirectories(dir.resolve("router"));
        Files.write(routerDir.resolve("other.bin"), new byte[1000]);
        Path otherTorrent = dir.resolve("other.torrent");
        Files.write(otherTorrent, new TorrentBuilder(routerDir.resolve("other.bin")).build((d, t) -> { }).torrentFile());
        Path seedDir = Files.createDirectories(dir.resolve("seed"));
        byte[] data = new byte[1024 * 1024 + 5];
        new Random(3).nextBytes(data);
        Files.write(seedDir.resolve("payload.bin"), data);
        TorrentBuilder.Result built = new TorrentBuilder(seedDir.resolve("payload.bin"))
                .pieceLength(Optional.of(32 * 1024)).build((d, t) -> { });
        Path torrentFile = dir.resolve("payload.torrent");
        Files.write(torrentFile, built.torrentFile());
        String hash = built.torrent().infoHash().hex();

        int routerTcp = freePort();
        int routerUdp = freeUdpPort();
        start("router", "seed", otherTorrent.toString(), "-d", routerDir.toString(), "-p", Integer.toString(routerTcp),
                "--bind", "127.0.0.1", "--dht-port", Integer.toString(routerUdp), "--dht-bootstrap", "127.0.0.1:1");
        awaitListening(routerTcp);
        String bootstrap = "127.0.0.1:" + routerUdp;
        int seedPort = freePort();
        start("seed", "seed", torrentFile.toString(), "-d", seedDir.toString(), "-p", Integer.toString(seedPort),
                "--bind", "127.0.0.1", "--dht-bootstrap", bootstrap);
        awaitListening(seedPort);

        Path leechDir = dir.resolve("leech");
        Process leecher = start("leech", "download", "magnet:?xt=urn:btih:" + hash, "-d", leechDir.toString(),
                "-p", Integer.toString(freePort()), "--bind", "127.0.0.1", "--dht-bootstrap", bootstrap, "--json",
                "--stall-timeout", "150");
        assertThat(leecher.waitFor(180, TimeUnit.SECONDS)).as("leecher finished").isTrue();
        String out = read("leech", "out");
        assertThat(leecher.exitValue()).as("exit code; stderr: %s", read("leech", "err")).isZero();
        assertThat(out).contains("\"metadata_received\"").contains("\"dhtNodes\":").contains("\"dhtPeers\":1");
        assertThat(Files.readAllBytes(leechDir.resolve("payload.bin"))).isEqualTo(data);
        assertThat(dir.resolve("state-leech").resolve("dht.dat")).as("the routing table is saved at exit").exists();

        Process getPeers = start("get", "dht", "get-peers", hash, "--json", "--dht-bootstrap", bootstrap,
                "--timeout", "60");
        assertThat(getPeers.waitFor(90, TimeUnit.SECONDS)).isTrue();
        assertThat(getPeers.exitValue()).as("stderr: %s", read("get", "err")).isZero();
        assertThat(read("get", "out")).contains("{\"event\":\"dht_peer\",\"address\":\"127.0.0.1:" + seedPort + "\"}")
                .contains("\"event\":\"dht_done\"");
    }

    // ---- plumbing ----

    /** The built jar with {@code args}, in a state directory of its own (never the user's). */
    private Process start(String name, String... args) throws IOException {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-Xmx256m", "-jar",
                Path.of(System.getProperty("btget.jar", "target/btget.jar")).toAbsolutePath().toString()));
        cmd.addAll(io.btget.DhtOff.args(List.of(args))); // every line here names --dht-*: left as written
        ProcessBuilder pb = new ProcessBuilder(cmd).directory(dir.toFile())
                .redirectOutput(dir.resolve(name + ".out").toFile()).redirectError(dir.resolve(name + ".err").toFile());
        pb.environment().put("BTGET_STATE_DIR", dir.resolve("state-" + name).toString());
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

    private static int freeUdpPort() throws IOException {
        try (DatagramSocket s = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    /** Until the process accepts connections (bounded by the test's timeout). */
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
