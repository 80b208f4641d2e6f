package io.btget.hostile;

import io.btget.peer.Message;
import io.btget.peer.WireCodec;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A scriptable BitTorrent peer (BEP 3) on 127.0.0.1 for hostile tests. It accepts connections and runs its
 * {@link Script} on each one; the script decides how honest to be. It counts the connections it was given, so a
 * test can tell whether btget dialled it again after dropping it.
 */
final class FakePeer implements AutoCloseable {
    private static final java.util.concurrent.atomic.AtomicLong PEER_IDS = new java.util.concurrent.atomic.AtomicLong();

    /**
     * A 20-byte peer id that no other fake peer of this JVM shares: {@code prefix} (8 bytes) and a 12-digit counter.
     * Time-based ids were not: cut to 20 bytes they kept the first 12 digits of {@code System.nanoTime()}, so two
     * handshakes sent within 100 ns to 10 us of each other (depending on uptime) carried the same id, and btget
     * rightly refused the second connection as a peer it already had.
     */
    static byte[] uniquePeerId(String prefix) {
        String id = prefix + String.format(java.util.Locale.ROOT, "%012d", PEER_IDS.incrementAndGet());
        return java.util.Arrays.copyOf(id.getBytes(StandardCharsets.US_ASCII), 20);
    }

    /** What the peer does on one connection. */
    @FunctionalInterface
    interface Script {
        void run(Conn c) throws IOException, InterruptedException;
    }

    private final TestSwarm swarm;
    private final Script script;
    private final ServerSocket server;
    private final AtomicInteger connections = new AtomicInteger();
    private final List<Socket> sockets = new CopyOnWriteArrayList<>();
    private final List<Throwable> scriptErrors = new CopyOnWriteArrayList<>();
    private final Thread acceptor;

    FakePeer(TestSwarm swarm, Script script) throws IOException {
        this.swarm = swarm;
        this.script = script;
        this.server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        this.acceptor = new Thread(this::acceptLoop, "fake-peer-" + server.getLocalPort());
        acceptor.setDaemon(true);
        acceptor.start();
    }

    int port() {
        return server.getLocalPort();
    }

    String address() {
        return "127.0.0.1:" + port();
    }

    /** Connections btget made to this peer so far. */
    int connections() {
        return connections.get();
    }

    private void acceptLoop() {
        while (!server.isClosed()) {
            Socket s;
            try {
                s = server.accept();
            } catch (IOException e) {
                return;
            }
            connections.incrementAndGet();
            sockets.add(s);
            Thread t = new Thread(() -> {
                try (Socket socket = s) {
                    socket.setSoTimeout(60_000);
                    script.run(Conn.accepted(socket, swarm));
                } catch (IOException | InterruptedException e) {
                    // the other side went away, or we were closed: expected for hostile scripts
                } catch (RuntimeException | Error e) {
                    scriptErrors.add(e);
                }
            }, "fake-peer-conn");
            t.setDaemon(true);
            t.start();
        }
    }

    /** Dials out to btget (for the tests where btget seeds) and runs {@code script} on this thread. */
    static void dial(int port, TestSwarm swarm, Script script) throws IOException, InterruptedException {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 5_000);
            s.setSoTimeout(20_000);
            script.run(new Conn(s, swarm));
        }
    }

    List<Throwable> scriptErrors() {
        return scriptErrors;
    }

    @Override
    public void close() throws IOException {
        server.close();
        for (Socket s : sockets) {
            s.close();
        }
    }

    /** One connection, with helpers to speak (or mangle) the wire protocol. */
    static final class Conn {
        final Socket socket;
        final TestSwarm swarm;
        final DataInputStream in;
        final DataOutputStream out;
        final WireCodec codec;

        Conn(Socket socket, TestSwarm swarm) throws IOException {
            this(socket, swarm, socket.getInputStream(), socket.getOutputStream());
        }

        private Conn(Socket socket, TestSwarm swarm, java.io.InputStream in, java.io.OutputStream out) {
            this.socket = socket;
            this.swarm = swarm;
            this.in = new DataInputStream(new BufferedInputStream(in));
            this.out = new DataOutputStream(new BufferedOutputStream(out));
            this.codec = new WireCodec(swarm.pieceCount, swarm::pieceSize);
        }

        /**
         * A connection btget dialled: btget's default {@code --encryption prefer} opens with the MSE handshake
         * (offering RC4 and plaintext), which this peer answers as Transmission with "encryption": 0 does, choosing
         * plaintext, so that the script then sees btget's plain BitTorrent handshake and its floods cost what they
         * cost without encryption; a plain handshake is taken as it is.
         */
        static Conn accepted(Socket socket, TestSwarm swarm) throws IOException {
            io.btget.net.TcpTransport t = new io.btget.net.TcpTransport(socket);
            byte[] hash = swarm.infoHash;
            io.btget.mse.MseAcceptor.Opened o = new io.btget.mse.MseAcceptor(io.btget.mse.Encryption.PREFER,
                    provided -> (provided & 1) != 0 ? 1 : provided & 2, new java.security.SecureRandom()).open(t, req2 -> java.util.Arrays.equals(
                            io.btget.mse.Mse.req2(hash), req2) ? new io.btget.metainfo.InfoHash(hash) : null,
                    socket.getSoTimeout());
            return new Conn(socket, swarm, o.transport().in(), o.transport().out());
        }

        /** Reads the 68-byte handshake and returns the info hash in it. */
        byte[] readHandshake() throws IOException {
            byte[] h = new byte[68];
            in.readFully(h);
            return java.util.Arrays.copyOfRange(h, 28, 48);
        }

        void sendHandshake(byte[] infoHash) throws IOException {
            out.write(19);
            out.write("BitTorrent protocol".getBytes(StandardCharsets.US_ASCII));
            out.write(new byte[8]);
            out.write(infoHash);
            out.write(uniquePeerId("-FK0001-"));
            out.flush();
        }

        /** Answers btget's handshake with the right info hash (btget dials us). */
        void acceptHandshake() throws IOException {
            readHandshake();
            sendHandshake(swarm.infoHash);
        }

        /** Opens the handshake (we dial btget) and reads its answer. */
        void openHandshake() throws IOException {
            sendHandshake(swarm.infoHash);
            readHandshake();
        }

        void send(Message m) throws IOException {
            WireCodec.write(m, out);
            out.flush();
        }

        void sendRaw(byte[] bytes) throws IOException {
            out.write(bytes);
            out.flush();
        }

        void sendInt(int value) throws IOException {
            out.writeInt(value);
            out.flush();
        }

        /** A BITFIELD saying we have every piece. */
        void sendFullBitfield() throws IOException {
            byte[] bits = new byte[(swarm.pieceCount + 7) / 8];
            for (int p = 0; p < swarm.pieceCount; p++) {
                bits[p / 8] |= (byte) (0x80 >>> (p % 8));
            }
            send(new Message.BitfieldMessage(bits));
        }

        Message read() throws IOException {
            return codec.read(in);
        }

        /** How a served block is changed before it goes out (identity for an honest peer). */
        @FunctionalInterface
        interface BlockServer {
            /** Sends the answer to {@code r}; returns false to stop serving. */
            boolean serve(Conn c, Message.Request r) throws IOException, InterruptedException;
        }

        static final BlockServer HONEST = (c, r) -> {
            c.send(new Message.Piece(r.piece(), r.offset(), c.swarm.block(r.piece(), r.offset(), r.length())));
            return true;
        };

        /** Full bitfield, unchoke on interest, answer each request with {@code server}, until the socket ends. */
        void seed(BlockServer server) throws IOException, InterruptedException {
            sendFullBitfield();
            while (true) {
                Message m = read();
                if (m instanceof Message.Interested) {
                    send(Message.UNCHOKE);
                } else if (m instanceof Message.Request r) {
                    if (!server.serve(this, r)) {
                        return;
                    }
                }
            }
        }
    }
}
