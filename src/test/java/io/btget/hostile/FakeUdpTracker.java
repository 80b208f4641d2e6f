package io.btget.hostile;

import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A UDP tracker (BEP 15) on 127.0.0.1 that answers every packet with a scripted reply built from the request's
 * action and transaction id (null: stay silent).
 */
final class FakeUdpTracker implements AutoCloseable {
    @FunctionalInterface
    interface Reply {
        /** @param action the request's action (0 connect, 1 announce); returns the reply bytes or null */
        byte[] answer(int action, int transactionId);
    }

    private final DatagramSocket socket;
    private final AtomicInteger packets = new AtomicInteger();

    FakeUdpTracker(Reply reply) throws IOException {
        socket = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
        Thread t = new Thread(() -> {
            byte[] buf = new byte[2048];
            while (!socket.isClosed()) {
                try {
                    DatagramPacket p = new DatagramPacket(buf, buf.length);
                    socket.receive(p);
                    packets.incrementAndGet();
                    if (p.getLength() < 16) {
                        continue;
                    }
                    ByteBuffer b = ByteBuffer.wrap(buf, 0, p.getLength());
                    b.getLong(); // protocol id or connection id
                    int action = b.getInt();
                    int tx = b.getInt();
                    byte[] out = reply.answer(action, tx);
                    if (out != null) {
                        socket.send(new DatagramPacket(out, out.length, p.getSocketAddress()));
                    }
                } catch (IOException e) {
                    return;
                }
            }
        }, "fake-udp-tracker");
        t.setDaemon(true);
        t.start();
    }

    String url() {
        return "udp://127.0.0.1:" + socket.getLocalPort() + "/announce";
    }

    int packets() {
        return packets.get();
    }

    /** A BEP 15 reply header (action, transaction id) followed by {@code rest}. */
    static byte[] reply(int action, int tx, byte[] rest) {
        return ByteBuffer.allocate(8 + rest.length).putInt(action).putInt(tx).put(rest).array();
    }

    @Override
    public void close() {
        socket.close();
    }
}
