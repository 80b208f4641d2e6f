package io.btget.interop;

import java.io.IOException;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/** Free ports on 127.0.0.1, free for both TCP and UDP (opentracker and btget's tracker use one port for both). */
final class Ports {
    private static final InetAddress LOOPBACK = InetAddress.getLoopbackAddress();
    /**
     * Ports handed out in this JVM: never handed out twice. A port is free when found and bound later by the program
     * it is given to; the kernel may offer a just-closed port again to the next bind to port 0, so two calls in a
     * row (a test giving one port to a client and the next to btget) could return the same port.
     */
    private static final Set<Integer> GIVEN = ConcurrentHashMap.newKeySet();

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
            if (GIVEN.contains(port)) {
                continue;
            }
            try (DatagramSocket d = new DatagramSocket(new InetSocketAddress(LOOPBACK, port))) {
                GIVEN.add(port);
                return port;
            } catch (IOException taken) {
                // UDP side busy: try another
            }
        }
        throw new IOException("no free TCP+UDP port on 127.0.0.1 after 50 attempts");
    }
}
