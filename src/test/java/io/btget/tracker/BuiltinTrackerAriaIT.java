package io.btget.tracker;

import static org.assertj.core.api.Assertions.assertThat;

import io.btget.tracker.server.TrackerServer;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The built-in tracker brokers a real swarm: an aria2c seeder and an aria2c leecher find each other through it
 * over HTTP (aria2 1.36 cannot use UDP trackers with DHT off, see shared/notes/real-peers.md).
 */
@Tag("interop")
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class BuiltinTrackerAriaIT {
    @TempDir
    Path dir;
    private final List<Process> processes = new ArrayList<>();

    @AfterEach
    void stopProcesses() throws InterruptedException {
        for (Process p : processes) {
            p.destroyForcibly();
            p.waitFor(5, TimeUnit.SECONDS);
        }
    }

    private Process start(String name, String... command) throws Exception {
        Process p = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true)
                .redirectOutput(dir.resolve(name + ".log").toFile()).start();
        processes.add(p);
        return p;
    }

    private List<String> aria(int listenPort, Path downloadDir, String... extra) {
        List<String> cmd = new ArrayList<>(List.of("aria2c", "--enable-dht=false", "--bt-enable-lpd=false",
                "--enable-peer-exchange=false", "--disable-ipv6=true", "--listen-port=" + listenPort,
                "--dir=" + downloadDir, "--bt-tracker-interval=2", "--file-allocation=none",
                "--summary-interval=0", "--console-log-level=warn"));
        cmd.addAll(List.of(extra));
        return cmd;
    }

    @Test
    void anAria2LeecherCompletesFromAnAria2SeederFoundThroughTheBuiltinTracker() throws Exception {
        try (TrackerServer tracker = new TrackerServer(InetAddress.getByName("127.0.0.1"), 0, 30)) {
            tracker.start();
            Path seedDir = Files.createDirectories(dir.resolve("seed"));
            Path leechDir = Files.createDirectories(dir.resolve("leech"));
            byte[] payload = new byte[3 * 1024 * 1024 + 123];
            new Random(42).nextBytes(payload);
            Files.write(seedDir.resolve("payload.bin"), payload);
            Path torrent = dir.resolve("payload.torrent");
            Process mk = start("mktorrent", "mktorrent", "-a", tracker.httpAnnounceUrl(), "-l", "18",
                    "-o", torrent.toString(), seedDir.resolve("payload.bin").toString());
            assertThat(mk.waitFor(30, TimeUnit.SECONDS)).isTrue();
            assertThat(mk.exitValue()).as(Files.readString(dir.resolve("mktorrent.log"))).isZero();

            int seedPort = OpentrackerIT.freePort();
            int leechPort = OpentrackerIT.freePort();
            start("seeder", aria(seedPort, seedDir, "--check-integrity=true", "--bt-hash-check-seed=true",
                    "--seed-ratio=0.0", torrent.toString()).toArray(String[]::new));
            Process leecher = start("leecher", aria(leechPort, leechDir, "--seed-time=0", torrent.toString())
                    .toArray(String[]::new));
            boolean done = leecher.waitFor(90, TimeUnit.SECONDS);
            String log = Files.readString(dir.resolve("leecher.log")) + "\n--- seeder ---\n"
                    + Files.readString(dir.resolve("seeder.log"));
            assertThat(done).as("leecher finished; logs: " + log).isTrue();
            assertThat(leecher.exitValue()).as(log).isZero();
            assertThat(Files.readAllBytes(leechDir.resolve("payload.bin"))).isEqualTo(payload);
        }
    }
}
