package io.btget.peer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.btget.client.Client;
import java.net.InetAddress;
import java.net.ServerSocket;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Binding the listen port: the cause of a failure is named, and only a default port falls forward. The process
 * listens once, in {@link Client}; a {@link PeerPool} has no listener of its own (review of issue 9).
 */
class PeerPoolListenTest {
    private final InetAddress loopback = InetAddress.getLoopbackAddress();
    private Client client;

    @AfterEach
    void close() {
        if (client != null) {
            client.close();
        }
    }

    private int listen(InetAddress bind, int port, boolean exact) {
        client = new Client(bind, port, exact, 0, 0);
        return client.listen();
    }

    @Test
    void aTakenDefaultPortFallsForwardToAFreeOne() throws Exception {
        try (ServerSocket taken = new ServerSocket(0, 1, loopback)) {
            int port = listen(loopback, taken.getLocalPort(), false);
            assertThat(port).isGreaterThan(taken.getLocalPort())
                    .isLessThanOrEqualTo(taken.getLocalPort() + Limits.LISTEN_PORT_TRIES);
        }
    }

    @Test
    void aTakenExplicitPortIsAnErrorNamingThePort() throws Exception {
        try (ServerSocket taken = new ServerSocket(0, 1, loopback)) {
            assertThatThrownBy(() -> listen(loopback, taken.getLocalPort(), true))
                    .isInstanceOf(io.btget.net.Listener.ListenException.class)
                    .hasMessage("port " + taken.getLocalPort() + " is in use")
                    .matches(e -> !((io.btget.net.Listener.ListenException) e).badAddress());
        }
    }

    @Test
    void anAddressThatIsNotThisMachinesIsNamedAsSuch() throws Exception {
        InetAddress testNet = InetAddress.getByAddress(new byte[] {(byte) 192, 0, 2, 1}); // RFC 5737
        assertThatThrownBy(() -> listen(testNet, 6881, false))
                .isInstanceOf(io.btget.net.Listener.ListenException.class)
                .hasMessage("--bind 192.0.2.1 is not an address of this machine")
                .matches(e -> ((io.btget.net.Listener.ListenException) e).badAddress());
    }
}
