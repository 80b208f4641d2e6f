package io.btget.hostile;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;

import io.btget.hostile.ExtConn.Observed;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The honest side of the fake extension peer is a correct BEP 9 / BEP 10 peer: aria2c (when installed) fetches a
 * magnet's metadata from it, in several pieces, and then the data. Without this, a failure in
 * {@link EvilMetadataIT} could be the fake's fault rather than btget's.
 */
@Tag("interop")
class FakeExtensionPeerSelfCheckIT {
    /** Three metadata pieces, as in EvilMetadataIT. */
    private static final TestSwarm SWARM = new TestSwarm("selfcheck.bin", 256 << 10, 32 << 10, 9, 40_000);

    @TempDir
    Path dir;

    private static boolean onPath(String program) {
        String path = System.getenv().getOrDefault("PATH", "");
        for (String d : path.split(File.pathSeparator)) {
            if (Files.isExecutable(Path.of(d, program))) {
                return true;
            }
        }
        return false;
    }

    @Test
    @Timeout(60)
    void aria2cDownloadsAMagnetFromTheHonestFakePeer() throws Exception {
        assumeThat(onPath("aria2c")).as("aria2c installed").isTrue();
        Observed seen = new Observed();
        try (FakePeer honest = new FakePeer(SWARM, c -> {
            ExtConn x = new ExtConn(c, seen);
            x.acceptHandshake(Wire.reserved(true, false));
            x.sendExtendedHandshake(ExtConn.honestExtendedHandshake(SWARM.infoBytes.length));
            x.send(Wire.fullBitfield(SWARM.pieceCount));
            x.serve(SWARM.infoBytes);
        }); FakeHttpTracker tracker = new FakeHttpTracker()) {
            // aria2c 1.36 does not read x.pe: the fake peer comes from a tracker instead
            String announce = tracker.add("announce", exchange -> FakeHttpTracker.send(exchange, 200, Ben.encode(
                    Ben.map("interval", 60, "peers", Wire.compact(Wire.address("127.0.0.1", honest.port()))))));
            String magnet = SWARM.magnet() + "&tr=" + java.net.URLEncoder.encode(announce,
                    java.nio.charset.StandardCharsets.UTF_8);
            Path out = dir.resolve("out");
            Process aria = new ProcessBuilder("aria2c", "--enable-dht=false", "--bt-enable-lpd=false",
                    "--enable-peer-exchange=false", "--disable-ipv6=true", "--listen-port=" + Loopback.freePort(),
                    "--dir=" + out, "--seed-time=0", "--bt-save-metadata=false", "--console-log-level=warn",
                    "--summary-interval=0", magnet).redirectErrorStream(true)
                    .redirectOutput(dir.resolve("aria2c.log").toFile()).start();
            try {
                assertThat(aria.waitFor(45, TimeUnit.SECONDS)).as("aria2c finished").isTrue();
                String log = Files.readString(dir.resolve("aria2c.log"));
                assertThat(aria.exitValue()).as("aria2c exit code; log %s", log).isZero();
            } finally {
                aria.destroyForcibly();
            }
            assertThat(Files.readAllBytes(out.resolve(SWARM.name))).isEqualTo(SWARM.data);
            assertThat(seen.metadataRequests).as("metadata pieces asked for").containsAll(List.of(0L, 1L, 2L));
            assertThat(honest.scriptErrors()).isEmpty();
        }
    }
}
