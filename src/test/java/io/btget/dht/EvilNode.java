package io.btget.dht;

import io.btget.bencode.BDict;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;

/**
 * A scripted DHT node for the hostile tests: an {@link EvilSocket} with a thread that answers every query it is
 * sent with what {@code answer} returns for it (the response's {@code r} dictionary, sent with the query's own
 * transaction id; null: stay silent). Counts the queries it saw per method.
 */
final class EvilNode implements AutoCloseable {
    private final EvilSocket socket;
    private final Function<BDict, Map<String, Object>> answer;
    private final AtomicInteger queries = new AtomicInteger();
    private final Thread thread;
    private volatile boolean closed;

    EvilNode(EvilSocket socket, Function<BDict, Map<String, Object>> answer) {
        this.socket = socket;
        this.answer = answer;
        this.thread = new Thread(this::serve, "evil-node-" + socket.address());
        thread.setDaemon(true);
        thread.start();
    }

    EvilSocket socket() {
        return socket;
    }

    /** Queries received so far. */
    int queries() {
        return queries.get();
    }

    private void serve() {
        while (!closed) {
            Optional<EvilSocket.Packet> p;
            try {
                p = socket.receive(200);
            } catch (RuntimeException e) {
                return; // closed
            }
            if (p.isEmpty()) {
                continue;
            }
            Optional<BDict> d = p.get().dict();
            if (d.isEmpty() || !"q".equals(EvilSocket.text(d.get(), "y"))) {
                continue;
            }
            queries.incrementAndGet();
            Map<String, Object> r = answer.apply(d.get());
            if (r != null) {
                try {
                    socket.send(EvilBen.response(EvilSocket.bytes(d.get(), "t"), r), p.get().from());
                } catch (RuntimeException e) {
                    return; // closed
                }
            }
        }
    }

    @Override
    public void close() throws InterruptedException {
        closed = true;
        socket.close();
        thread.join(2000);
    }
}
