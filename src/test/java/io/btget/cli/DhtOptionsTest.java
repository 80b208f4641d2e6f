package io.btget.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.btget.dht.DhtConfig;
import io.btget.session.Config;
import io.btget.session.DhtSettings;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.List;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** --no-dht, --dht-port and --dht-bootstrap as the download/seed/info commands read them. */
class DhtOptionsTest {
    private static Config download(String... args) {
        DownloadCommand cmd = new DownloadCommand();
        new CommandLine(cmd).parseArgs(args);
        return cmd.session.toConfig(Config.SeedPolicy.NONE);
    }

    @Test
    void byDefaultTheDhtRunsOnTheListenPortsNumberFromTheDefaultRoutersWithAStateFile() {
        DhtSettings dht = download("x.torrent").dht();
        assertThat(dht.enabled()).isTrue();
        assertThat(dht.port()).as("0: the TCP listen port's number").isZero();
        assertThat(dht.portExplicit()).isFalse();
        assertThat(dht.bootstrap()).isEqualTo(DhtConfig.DEFAULT_ROUTERS);
        assertThat(dht.stateFile()).isPresent();
        assertThat(dht.stateFile().get().getFileName().toString()).isEqualTo("dht.dat");
    }

    @Test
    void noDhtTurnsItOff() {
        assertThat(download("x.torrent", "--no-dht").dht()).isEqualTo(DhtSettings.OFF);
    }

    @Test
    void bootstrapNodesReplaceTheDefaultRouters() throws Exception {
        DhtSettings dht = download("x.torrent", "--dht-bootstrap", "127.0.0.1:6881", "--dht-bootstrap",
                "[::1]:7000", "--dht-bootstrap", "router.example:25401", "--dht-port", "7777").dht();
        assertThat(dht.bootstrap()).containsExactly(
                new InetSocketAddress(InetAddress.getByName("127.0.0.1"), 6881),
                new InetSocketAddress(InetAddress.getByName("::1"), 7000),
                InetSocketAddress.createUnresolved("router.example", 25401));
        assertThat(dht.port()).isEqualTo(7777);
        assertThat(dht.portExplicit()).isTrue();
    }

    @Test
    void badBootstrapSyntaxAndPortsAreUsageErrors() {
        for (String bad : List.of("nohost", ":6881", "host:", "host:0", "host:65536", "host:x", "::1:6881", "[::1]",
                "[::1:6881", "[]:1", "a b:1")) {
            assertThatThrownBy(() -> DhtOptions.parseNode(bad)).as(bad).isInstanceOf(UserError.class)
                    .satisfies(e -> assertThat(((UserError) e).exitCode()).isEqualTo(ExitCode.USAGE));
        }
        assertThatThrownBy(() -> download("x.torrent", "--dht-port", "0")).isInstanceOf(UserError.class)
                .hasMessageContaining("--dht-port must be 1..65535");
        assertThatThrownBy(() -> download("x.torrent", "--dht-port", "70000")).isInstanceOf(UserError.class);
    }
}
