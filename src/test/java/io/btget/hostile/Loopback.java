package io.btget.hostile;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicInteger;

/** Loopback helpers for the hostile ITs: free ports, waiting for a listener, watching who connects where. */
final class Loopback {
    private Loopback() {
    }

    static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    /** Waits until {@code port} accepts a connection (the probe is closed at once, before any handshake). */
    static void awaitListening(int port, BtgetProcess btget) throws Exception {
        for (int i = 0; i < 200; i++) {
            try (Socket s = new Socket(InetAddress.getLoopbackAddress(), port)) {
                return;
            } catch (IOException e) {
                if (!btget.isAlive()) {
                    throw new AssertionError("btget exited before listening on " + port + "; stderr "
                            + btget.stderr() + "; stdout " + btget.stdout(), e);
                }
                Thread.sleep(100);
            }
        }
        throw new AssertionError("btget never listened on " + port);
    }

    /**
     * Waits until btget on {@code port} answers a handshake for {@code infoHash}: it listens before its torrent
     * takes peers (while it checks the data), and refuses handshakes until then. The probe hangs up right after.
     */
    static void awaitHandshake(int port, byte[] infoHash, BtgetProcess btget) throws Exception {
        for (int i = 0; i < 300; i++) {
            try (Socket s = new Socket(InetAddress.getLoopbackAddress(), port)) {
                s.setSoTimeout(2000);
                java.io.OutputStream out = s.getOutputStream();
                out.write(19);
                out.write("BitTorrent protocol".getBytes(java.nio.charset.StandardCharsets.US_ASCII));
                out.write(new byte[8]);
                out.write(infoHash);
                out.write(java.util.Arrays.copyOf("-PR0001-probe".getBytes(java.nio.charset.StandardCharsets.US_ASCII), 20));
                out.flush();
                new java.io.DataInputStream(s.getInputStream()).readFully(new byte[68]);
                return;
            } catch (IOException e) {
                if (!btget.isAlive()) {
                    throw new AssertionError("btget exited before taking peers on " + port + "; stderr "
                            + btget.stderr() + "; stdout " + btget.stdout(), e);
                }
                Thread.sleep(100);
            }
        }
        throw new AssertionError("btget never answered a handshake on " + port);
    }

    /**
     * A listening socket on 127.0.0.1 that counts the connections it is given: put where btget must not
     * connect. Linux routes a connection to 0.0.0.0 to the loopback, so it also catches a dial of the unspecified
     * address at its port.
     */
    static final class Watcher implements AutoCloseable {
        private final ServerSocket server;
        private final AtomicInteger accepted = new AtomicInteger();

        Watcher(int port) throws IOException {
            server = new ServerSocket(port, 50, InetAddress.getLoopbackAddress());
            Thread t = new Thread(() -> {
                while (!server.isClosed()) {
                    try (Socket s = server.accept()) {
                        accepted.incrementAndGet();
                    } catch (IOException e) {
                        return;
                    }
                }
            }, "watcher-" + port);
            t.setDaemon(true);
            t.start();
        }

        /** A watcher on {@code port}, or null when that port is taken on this machine. */
        static Watcher tryOn(int port) {
            try {
                return new Watcher(port);
            } catch (IOException e) {
                return null;
            }
        }

        int port() {
            return server.getLocalPort();
        }

        int accepted() {
            return accepted.get();
        }

        @Override
        public void close() throws IOException {
            server.close();
        }
    }

    /**
     * TCP sockets of this machine whose remote port is {@code port} (from /proc/net/tcp and tcp6, any state: a
     * connection closed in the last minute is still there in TIME_WAIT), as the raw lines; null when /proc/net
     * cannot be read (not Linux).
     */
    static List<String> socketsWithRemotePort(int port) {
        List<String> found = new ArrayList<>();
        String hexPort = String.format(Locale.ROOT, ":%04X", port);
        boolean readAny = false;
        for (String table : List.of("/proc/net/tcp", "/proc/net/tcp6")) {
            List<String> lines;
            try {
                lines = Files.readAllLines(Path.of(table));
            } catch (IOException e) {
                continue;
            }
            readAny = true;
            for (String line : lines.subList(Math.min(1, lines.size()), lines.size())) {
                String[] f = line.trim().split("\\s+");
                // sl local_address rem_address st ...
                if (f.length > 3 && f[2].toUpperCase(Locale.ROOT).endsWith(hexPort)) {
                    found.add(table + ": " + line.trim());
                }
            }
        }
        return readAny ? found : null;
    }
}
