package io.btget.hostile;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/** An HTTP tracker on 127.0.0.1 whose every path is a scripted reply; it remembers each request's query. */
final class FakeHttpTracker implements AutoCloseable {
    /** A scripted reply to one announce. */
    @FunctionalInterface
    interface Reply {
        void answer(HttpExchange exchange) throws IOException, InterruptedException;
    }

    private final HttpServer server;
    private final ExecutorService executor = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "fake-http-tracker");
        t.setDaemon(true);
        return t;
    });
    private final Map<String, List<String>> queries = new ConcurrentHashMap<>();

    FakeHttpTracker() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 50);
        server.setExecutor(executor);
        server.start();
    }

    /** Serves {@code reply} at {@code /path} and returns the announce URL. */
    String add(String path, Reply reply) {
        queries.put(path, new CopyOnWriteArrayList<>());
        server.createContext("/" + path, exchange -> {
            queries.get(path).add(String.valueOf(exchange.getRequestURI().getRawQuery()));
            try {
                reply.answer(exchange);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } finally {
                exchange.close();
            }
        });
        return url(path);
    }

    String url(String path) {
        return "http://127.0.0.1:" + server.getAddress().getPort() + "/" + path;
    }

    List<String> queries(String path) {
        return queries.get(path);
    }

    static void send(HttpExchange exchange, int status, byte[] body) throws IOException {
        exchange.sendResponseHeaders(status, body.length == 0 ? -1 : body.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(body);
        }
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
    }
}
