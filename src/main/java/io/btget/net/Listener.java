package io.btget.net;

import java.io.IOException;
import java.net.BindException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The process's one listen socket for peers. Each accepted connection is handed, as a {@link Transport}, to the
 * handler on a thread of its own (the handler reads the handshake and routes it by info hash). Connections still
 * in the handler are bounded ({@code maxPending}): past it, new ones are hung up on at once, so peers that connect
 * and say nothing cannot pile up threads.
 *
 * <p>Threads: the acceptor (a platform thread), one thread per pending connection; {@link #close()} from any thread.
 */
public final class Listener implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(Listener.class);

    /** When the listen port is taken, the next ones up to this many above it are tried. */
    public static final int PORT_TRIES = 50;

    private final AtomicInteger pending = new AtomicInteger();
    private volatile ServerSocket server;
    private volatile boolean closed;

    /**
     * Why we cannot listen, with the cause named for the user ("port 6881 is in use", "--bind 192.0.2.1 is not an
     * address of this machine").
     */
    public static final class ListenException extends RuntimeException {
        private final boolean badAddress;

        public ListenException(String message, boolean badAddress, Throwable cause) {
            super(message, cause);
            this.badAddress = badAddress;
        }

        /** The --bind address itself is wrong (a usage error), rather than the port taken or refused. */
        public boolean badAddress() {
            return badAddress;
        }
    }

    /**
     * Binds the listen socket. An {@code exact} port (the user gave {@code -p}) must be free; otherwise, when
     * {@code port} is taken, the next free one up to {@link #PORT_TRIES} above it is used (logged). Port 0 takes
     * any free port.
     *
     * @return the port actually bound
     * @throws ListenException naming the cause: the port is in use, the address is not one of this machine's, or
     *     what the system said
     */
    public int bind(InetAddress bind, int port, boolean exact) {
        int lastPort = exact || port == 0 ? port : Math.min(65535, port + PORT_TRIES);
        for (int p = port; p <= lastPort; p++) {
            ServerSocket s = null;
            try {
                s = new ServerSocket();
                s.setReuseAddress(true);
                s.bind(new InetSocketAddress(bind, p), 128);
                server = s;
                if (p != port) {
                    log.info("port {} is in use; listening on port {} instead", port, s.getLocalPort());
                }
                return s.getLocalPort();
            } catch (IOException e) {
                closeQuietly(s);
                String why = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
                if (e instanceof BindException && why.contains("Cannot assign requested address")) {
                    throw new ListenException("--bind " + bind.getHostAddress() + " is not an address of this machine",
                            true, e);
                }
                if (!(e instanceof BindException) || !why.contains("in use")) {
                    throw new ListenException("cannot listen on " + bind.getHostAddress() + " port " + p + ": " + why,
                            false, e);
                }
                if (exact) {
                    throw new ListenException("port " + p + " is in use", false, e);
                }
            }
        }
        throw new ListenException("ports " + port + ".." + lastPort + " are all in use", false, null);
    }

    /** The bound port, or 0 before {@link #bind}. */
    public int port() {
        ServerSocket s = server;
        return s == null ? 0 : s.getLocalPort();
    }

    /**
     * Starts accepting (after {@link #bind}); each connection goes to {@code handler} on its own thread, which
     * owns the transport from then on (closes it when it refuses it).
     *
     * @param maxPending connections in the handler at once; more are closed at once
     */
    public void start(int maxPending, Consumer<Transport> handler, ThreadStarter threads) {
        ServerSocket s = server;
        if (s == null) {
            throw new IllegalStateException("not bound");
        }
        threads.startPlatform("peer-accept", () -> acceptLoop(s, maxPending, handler, threads));
    }

    /** How threads are started (the peer layer's helper), so this package needs nothing from it. */
    public interface ThreadStarter {
        void start(String name, Runnable task);

        void startPlatform(String name, Runnable task);
    }

    private void acceptLoop(ServerSocket s, int maxPending, Consumer<Transport> handler, ThreadStarter threads) {
        while (!closed) {
            Socket socket;
            try {
                socket = s.accept();
            } catch (IOException e) {
                if (!closed) {
                    log.debug("accept failed: {}", e.getMessage());
                    try {
                        Thread.sleep(100); // out of descriptors, say: do not spin a core on it
                    } catch (InterruptedException stop) {
                        return;
                    }
                }
                continue;
            }
            // Only this thread increments, so the check and the increment cannot be split by another acceptor.
            if (pending.get() >= maxPending) {
                closeQuietly(socket);
                continue;
            }
            Transport t;
            try {
                t = new TcpTransport(socket);
            } catch (IOException e) {
                closeQuietly(socket);
                continue;
            }
            pending.incrementAndGet();
            threads.start("accept " + t.remoteAddress(), () -> {
                try {
                    handler.accept(t);
                } finally {
                    pending.decrementAndGet();
                }
            });
        }
    }

    @Override
    public void close() {
        closed = true;
        closeQuietly(server);
    }

    private static void closeQuietly(java.io.Closeable c) {
        if (c == null) {
            return;
        }
        try {
            c.close();
        } catch (IOException ignored) {
            // closing
        }
    }
}
