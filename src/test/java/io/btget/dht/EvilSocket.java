package io.btget.dht;

import io.btget.bencode.BDict;
import io.btget.bencode.BInt;
import io.btget.bencode.BList;
import io.btget.bencode.BString;
import io.btget.bencode.BValue;
import io.btget.bencode.Bencode;
import io.btget.bencode.BencodeException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.util.Arrays;
import java.util.Map;
import java.util.Optional;
import java.util.Random;

/**
 * A raw UDP socket for the hostile DHT tests: an attacker (or a well-behaved probe) on a loopback address of its
 * choice (Linux routes all of 127.0.0.0/8 to the loopback, so each address is a distinct IP to the node). Sends
 * whatever bytes it is given and reads what comes back with bounded waits; replies are decoded with the generic
 * bencode decoder, not the KRPC codec under test.
 */
final class EvilSocket implements AutoCloseable {
    /** Largest datagram read. */
    private static final int MAX_DATAGRAM = 65_536;

    private final DatagramSocket socket;
    private final byte[] id;
    private final byte[] buffer = new byte[MAX_DATAGRAM];
    private int nextTid;

    /** A datagram received. */
    record Packet(byte[] bytes, InetSocketAddress from) {
        /** The packet as a bencoded dictionary, or empty when it is not one. */
        Optional<BDict> dict() {
            try {
                return Bencode.decode(bytes) instanceof BDict d ? Optional.of(d) : Optional.empty();
            } catch (BencodeException e) {
                return Optional.empty();
            }
        }
    }

    /** Binds {@code ip}:0; {@code id} is the node id this socket claims in its queries and replies. */
    EvilSocket(String ip, byte[] id) {
        try {
            socket = new DatagramSocket(new InetSocketAddress(InetAddress.getByName(ip), 0));
            socket.setReceiveBufferSize(1 << 20);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        this.id = id.clone();
    }

    EvilSocket(String ip, Random random) {
        this(ip, randomId(random));
    }

    static byte[] randomId(Random random) {
        byte[] b = new byte[20];
        random.nextBytes(b);
        return b;
    }

    byte[] id() {
        return id.clone();
    }

    InetSocketAddress address() {
        return (InetSocketAddress) socket.getLocalSocketAddress();
    }

    /** A fresh two-byte transaction id. */
    byte[] tid() {
        int t = nextTid++;
        return new byte[] {(byte) (t >>> 8), (byte) t};
    }

    void send(byte[] packet, InetSocketAddress to) {
        try {
            socket.send(new DatagramPacket(packet, packet.length, to));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The next datagram within {@code timeoutMillis}, else empty. */
    Optional<Packet> receive(long timeoutMillis) {
        try {
            socket.setSoTimeout((int) Math.max(1, timeoutMillis));
            DatagramPacket p = new DatagramPacket(buffer, buffer.length);
            socket.receive(p);
            return Optional.of(new Packet(Arrays.copyOf(p.getData(), p.getLength()),
                    (InetSocketAddress) p.getSocketAddress()));
        } catch (SocketTimeoutException e) {
            return Optional.empty();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * The reply ({@code y} = r or e) carrying transaction id {@code tid} within {@code timeoutMillis}; other
     * datagrams that arrive meanwhile (queries the node sends us, replies to earlier queries) are skipped.
     */
    Optional<Packet> awaitReply(byte[] tid, long timeoutMillis) {
        long deadline = System.nanoTime() + timeoutMillis * 1_000_000L;
        while (true) {
            long left = (deadline - System.nanoTime()) / 1_000_000L;
            if (left <= 0) {
                return Optional.empty();
            }
            Optional<Packet> p = receive(left);
            if (p.isEmpty()) {
                return p;
            }
            Optional<BDict> d = p.get().dict();
            if (d.isPresent() && Arrays.equals(bytes(d.get(), "t"), tid)
                    && ("r".equals(text(d.get(), "y")) || "e".equals(text(d.get(), "y")))) {
                return p;
            }
        }
    }

    /** Sends {@code query} (built with {@code tid}) to {@code to} and waits for its reply. */
    Optional<Packet> ask(byte[] query, byte[] tid, InetSocketAddress to, long timeoutMillis) {
        send(query, to);
        return awaitReply(tid, timeoutMillis);
    }

    /** A ping of ours to {@code to}; true when it is answered with a response within {@code timeoutMillis}. */
    boolean ping(InetSocketAddress to, long timeoutMillis) {
        byte[] t = tid();
        Optional<Packet> reply = ask(EvilBen.query(t, "ping", EvilBen.dict("id", id)), t, to, timeoutMillis);
        return reply.flatMap(Packet::dict).map(d -> "r".equals(text(d, "y"))).orElse(false);
    }

    @Override
    public void close() {
        socket.close();
    }

    // ----- reading decoded packets

    static byte[] bytes(BDict d, String key) {
        return d.get(key).filter(v -> v instanceof BString).map(v -> ((BString) v).bytes()).orElse(null);
    }

    static String text(BDict d, String key) {
        byte[] b = bytes(d, key);
        return b == null ? null : new String(b, java.nio.charset.StandardCharsets.ISO_8859_1);
    }

    static Optional<BDict> sub(BDict d, String key) {
        return d.get(key).filter(v -> v instanceof BDict).map(v -> (BDict) v);
    }

    /** The code of an error reply {@code e: [code, message]}, or -1 when the packet is no such error. */
    static long errorCode(BDict d) {
        if (!"e".equals(text(d, "y"))) {
            return -1;
        }
        Optional<BValue> e = d.get("e");
        if (e.isPresent() && e.get() instanceof BList l && !l.items().isEmpty() && l.items().get(0) instanceof BInt i) {
            return i.value();
        }
        return -1;
    }

    /** Whether {@code d} is a query ({@code y = q}) for {@code method}. */
    static boolean isQuery(BDict d, String method) {
        return "q".equals(text(d, "y")) && method.equals(text(d, "q"));
    }

    /** The {@code a} (query arguments) or {@code r} (response values) dictionary, or an empty one. */
    static BDict body(BDict d) {
        return sub(d, "a").or(() -> sub(d, "r")).orElse(new BDict(Map.of()));
    }
}
