package io.btget.net;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.EOFException;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import org.junit.jupiter.api.Test;

class SocketAddressesTest {
    @Test
    void addressesReadAsAddressAndPortWithoutJavasSlash() throws Exception {
        assertThat(SocketAddresses.text(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), 6881)))
                .isEqualTo("127.0.0.1:6881");
        assertThat(SocketAddresses.text(new InetSocketAddress(InetAddress.getByAddress("peer.example",
                new byte[] {10, 0, 0, 7}), 51413))).isEqualTo("10.0.0.7:51413");
        assertThat(SocketAddresses.text(new InetSocketAddress(InetAddress.getByName("::1"), 6881)))
                .isEqualTo("[0:0:0:0:0:0:0:1]:6881");
        assertThat(SocketAddresses.text(InetSocketAddress.createUnresolved("tracker.example", 80)))
                .isEqualTo("tracker.example:80");
    }

    @Test
    void aMessagelessFailureIsSaidInWordsNeverNull() {
        assertThat(IoFailures.describe(new EOFException())).startsWith("closed by the peer during the handshake");
        assertThat(IoFailures.describe(new SocketTimeoutException())).isEqualTo("timed out");
        assertThat(IoFailures.describe(new IOException("Broken pipe"))).isEqualTo("Broken pipe");
        assertThat(IoFailures.describe(new java.nio.channels.ClosedChannelException())).isEqualTo("ClosedChannelException");
    }
}
