package io.btget.client;

import static org.assertj.core.api.Assertions.assertThat;

import io.btget.dht.DhtConfig;
import io.btget.session.DhtSettings;
import io.btget.session.FakeDht;
import java.net.BindException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The client's one DHT node: started on first use, on which UDP port, closed with the client. */
@Timeout(30)
class ClientDhtTest {
    private static final List<InetSocketAddress> BOOT = List.of(new InetSocketAddress("127.0.0.1", 9));
    private final List<DhtConfig> starts = new CopyOnWriteArrayList<>();
    private final List<FakeDht> nodes = new CopyOnWriteArrayList<>();

    private Client client(DhtSettings settings, int takenPort) {
        return new Client(InetAddress.getLoopbackAddress(), 0, false, 0, 0, settings, config -> {
            starts.add(config);
            if (config.port() != 0 && config.port() == takenPort) {
                throw new BindException("Address already in use");
            }
            FakeDht node = new FakeDht(config.port() == 0 ? 40000 : config.port());
            nodes.add(node);
            return node;
        });
    }

    private static DhtSettings on(int port, boolean explicit) {
        return new DhtSettings(true, port, explicit, BOOT, Optional.of(Path.of("/tmp/x/dht.dat")));
    }

    @Test
    void withTheDhtOffNoNodeIsEverStarted() {
        try (Client c = client(DhtSettings.OFF, -1)) {
            c.listen();
            assertThat(c.dht()).isEmpty();
        }
        assertThat(starts).isEmpty();
    }

    @Test
    void oneNodeIsStartedOnFirstUseOnTheListenPortNumberAndClosedWithTheClient() {
        Client c = client(on(0, false), -1);
        int tcp = c.listen();
        assertThat(starts).as("not before a session asks").isEmpty();
        assertThat(c.dht()).isPresent();
        assertThat(c.dht().get()).isSameAs(nodes.get(0));
        assertThat(starts).hasSize(1);
        DhtConfig config = starts.get(0);
        assertThat(config.port()).isEqualTo(tcp);
        assertThat(config.bind()).isEqualTo(InetAddress.getLoopbackAddress());
        assertThat(config.bootstrap()).isEqualTo(BOOT);
        assertThat(config.stateFile()).contains(Path.of("/tmp/x/dht.dat"));
        c.close();
        assertThat(nodes.get(0).closed).isTrue();
        assertThat(c.dht()).as("not restarted after close").isEmpty();
        assertThat(starts).hasSize(1);
    }

    @Test
    void whenTheListenPortsNumberIsTakenForUdpAnyFreePortIsTaken() {
        try (Client c = new Client(InetAddress.getLoopbackAddress(), 0, false, 0, 0, on(0, false), config -> {
            starts.add(config);
            if (config.port() != 0) {
                throw new BindException("Address already in use");
            }
            return new FakeDht(41000);
        })) {
            int tcp = c.listen();
            assertThat(c.dht()).isPresent();
            assertThat(starts).extracting(DhtConfig::port).containsExactly(tcp, 0);
        }
    }

    @Test
    void aTakenDhtPortThatWasNotChosenFallsBackToAnyPort() {
        try (Client c = client(on(7001, false), 7001)) {
            c.listen();
            assertThat(c.dht()).isPresent();
            assertThat(starts).extracting(DhtConfig::port).containsExactly(7001, 0);
        }
    }

    @Test
    void aTakenExplicitDhtPortMeansNoDhtForThisRunAndNoRetry() {
        try (Client c = client(on(7002, true), 7002)) {
            c.listen();
            assertThat(c.dht()).isEmpty();
            assertThat(c.dht()).isEmpty();
            assertThat(starts).extracting(DhtConfig::port).containsExactly(7002);
        }
    }

    @Test
    void aNodeThatCannotStartAtAllLeavesTheRunWithoutDht() {
        try (Client c = new Client(InetAddress.getLoopbackAddress(), 0, false, 0, 0, on(0, false), config -> {
            starts.add(config);
            throw new IllegalStateException("broken");
        })) {
            c.listen();
            assertThat(c.dht()).isEmpty();
            assertThat(starts).hasSize(2); // the listen port's number, then any
        }
    }
}
