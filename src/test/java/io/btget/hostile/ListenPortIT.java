package io.btget.hostile;

import static org.assertj.core.api.Assertions.assertThat;

import io.btget.hostile.FakePeer.Conn;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The listen port as a user sees it (issue 8, first hour): it is shown once (a {@code listening} event with
 * {@code --json}, a line with {@code -v}, nothing by default); a {@code -p} that is taken is an error naming it
 * (exit 4), never silently another port; a {@code --bind} that is not this machine's is a usage error naming that
 * (exit 2), not "no free port".
 */
@Tag("interop")
@Timeout(60)
class ListenPortIT {
    private static final TestSwarm SWARM = new TestSwarm("port.bin", 200_000, 32 << 10, 21);

    @TempDir
    Path dir;

    private FakePeer seeder;

    @AfterEach
    void cleanUp() throws IOException {
        if (seeder != null) {
            seeder.close();
        }
    }

    private String honestSeeder() throws IOException {
        seeder = new FakePeer(SWARM, c -> {
            c.acceptHandshake();
            c.seed(Conn.HONEST);
        });
        return seeder.address();
    }

    private BtgetProcess download(String... flags) throws IOException {
        List<String> args = new ArrayList<>(List.of("download", SWARM.writeTorrent(dir).toString(), "-d",
                dir.resolve("out").toString(), "--progress", "none", "--stall-timeout", "20s"));
        args.addAll(List.of(flags));
        return BtgetProcess.start(dir.resolve("logs"), args);
    }

    @Test
    void theListenPortIsOneJsonEventWithItsPortAndAddress() throws Exception {
        try (BtgetProcess p = download("--bind", "127.0.0.1", "-p", "0", "--json", "--peer", honestSeeder())) {
            assertThat(p.waitFor(40)).as("stderr %s", p.stderr()).isZero();
            String listening = p.stdout().lines().filter(l -> l.contains("\"event\":\"listening\"")).findFirst()
                    .orElseThrow(() -> new AssertionError("no listening event in " + p.stdout()));
            assertThat(listening).contains("\"address\":\"127.0.0.1\"").containsPattern("\"port\":[1-9]\\d*");
            assertThat(p.stdout().lines().filter(l -> l.contains("\"event\":\"listening\""))).hasSize(1);
        }
    }

    @Test
    void theListenPortIsOneLineUnderVerboseAndNothingByDefault() throws Exception {
        try (BtgetProcess p = download("--bind", "127.0.0.1", "-p", "0", "-v", "--peer", honestSeeder())) {
            assertThat(p.waitFor(40)).as("stderr %s", p.stderr()).isZero();
            assertThat(p.stderrLines().stream().filter(l -> l.contains("listening for peers on 127.0.0.1 port ")))
                    .hasSize(1);
        }
        seeder.close();
        try (BtgetProcess p = download("--bind", "127.0.0.1", "-p", "0", "--peer", honestSeeder())) {
            assertThat(p.waitFor(40)).as("stderr %s", p.stderr()).isZero();
            assertThat(p.stderr()).doesNotContain("listening");
        }
    }

    @Test
    void aTakenExplicitPortIsAnErrorNamingItBeforeAnythingElseHappens() throws Exception {
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
                BtgetProcess p = download("--bind", "127.0.0.1", "-p", Integer.toString(taken.getLocalPort()),
                        "--peer", honestSeeder())) {
            assertThat(p.waitFor(40)).as("exit code; stderr %s", p.stderr()).isEqualTo(4);
            assertThat(p.stderrLines()).containsExactly("btget: port " + taken.getLocalPort() + " is in use");
            assertThat(seeder.connections()).as("no peer dialled").isZero();
        }
    }

    @Test
    void aBindAddressThatIsNotThisMachinesIsAUsageErrorSayingSo() throws Exception {
        // 192.0.2.1 is TEST-NET-1 (RFC 5737): never a local address; binding to it sends nothing anywhere
        try (BtgetProcess p = download("--bind", "192.0.2.1", "-p", "0", "--peer", "127.0.0.1:9")) {
            assertThat(p.waitFor(40)).as("exit code; stderr %s", p.stderr()).isEqualTo(2);
            assertThat(p.stderrLines()).containsExactly("btget: --bind 192.0.2.1 is not an address of this machine");
        }
    }

    @Test
    void aBindAddressThatIsNotAnAddressAtAllIsAUsageErrorSayingSo() throws Exception {
        // a malformed IPv6 literal: refused without asking any name server
        try (BtgetProcess p = download("--bind", "[1::2::3]", "-p", "0", "--peer", "127.0.0.1:9")) {
            assertThat(p.waitFor(40)).as("exit code; stderr %s", p.stderr()).isEqualTo(2);
            assertThat(p.stderrLines()).hasSize(1);
            assertThat(p.stderrLines().get(0)).startsWith("btget: --bind").contains("[1::2::3]")
                    .doesNotContain("port");
        }
    }
}
