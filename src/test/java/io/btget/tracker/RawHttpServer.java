package io.btget.tracker;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * An HTTP server on 127.0.0.1 that answers each connection with exactly the bytes a script gives (status line,
 * headers, body framing and all), so tests can send what real servers send: chunked bodies, no Content-Length,
 * 1xx responses, codings, trickled bodies. It records each request's head.
 */
final class RawHttpServer implements AutoCloseable {
    /** Writes the whole reply to one request; {@code head} is the request line and headers. */
    @FunctionalInterface
    interface Script {
        void reply(String head, OutputStream out) throws IOException, InterruptedException;
    }

    private final ServerSocket server;
    private final List<String> heads = new CopyOnWriteArrayList<>();
    private final Thread acceptor;

    RawHttpServer(Script script) throws IOException {
        server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        acceptor = new Thread(() -> {
            while (!server.isClosed()) {
                Socket s;
                try {
                    s = server.accept();
                } catch (IOException e) {
                    return;
                }
                Thread t = new Thread(() -> serve(s, script), "raw-http");
                t.setDaemon(true);
                t.start();
            }
        }, "raw-http-accept");
        acceptor.setDaemon(true);
        acceptor.start();
    }

    private void serve(Socket s, Script script) {
        try (s) {
            String head = readHead(s.getInputStream());
            heads.add(head);
            OutputStream out = s.getOutputStream();
            script.reply(head, out);
            out.flush();
        } catch (IOException | InterruptedException e) {
            // the client went away: nothing to do
        }
    }

    private static String readHead(InputStream in) throws IOException {
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        int state = 0;
        while (state < 4) {
            int b = in.read();
            if (b < 0) {
                break;
            }
            head.write(b);
            state = (b == '\r' && (state == 0 || state == 2)) || (b == '\n' && (state == 1 || state == 3)) ? state + 1
                    : b == '\r' ? 1 : 0;
        }
        return head.toString(StandardCharsets.ISO_8859_1);
    }

    String url(String path) {
        return "http://127.0.0.1:" + server.getLocalPort() + path;
    }

    List<String> heads() {
        return heads;
    }

    static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.ISO_8859_1);
    }

    /** The request target of a request head ("GET /x?y HTTP/1.1" gives "/x?y"). */
    static String target(String head) {
        return head.split(" ", 3)[1];
    }

    @Override
    public void close() throws IOException {
        server.close();
    }
}
