package io.btget.interop;

import java.io.IOException;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;

/** Free ports on 127.0.0.1, free for both TCP and UDP (opentracker and btget's tracker use one port for both). */
final class Ports {
    private static final InetAddress LOOPBACK = InetAddress.getLoopbackAddress();

    private Ports() {
    }

    static int free() throws IOException {
        for (int attempt = 0; attempt < 50; attempt++) {
            int port;
            try (ServerSocket s = new ServerSocket()) {
                s.setReuseAddress(false);
                s.bind(new InetSocketAddress(LOOPBACK, 0));
                port = s.getLocalPort();
            }
            try (DatagramSocket d = new DatagramSocket(new InetSocketAddress(LOOPBACK, port))) {
                return port;
            } catch (IOException taken) {
                // UDP side busy: try another
            }
        }
        throw new IOException("no free TCP+UDP port on 127.0.0.1 after 50 attempts");
    }
}
