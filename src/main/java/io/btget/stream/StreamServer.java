package io.btget.stream;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.btget.piece.PiecePriorities;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Semaphore;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Serves one file of a torrent over HTTP while it downloads, with byte ranges (RFC 9110: {@code Accept-Ranges}, 206 and
 * {@code Content-Range}, 416, HEAD), so a media player can start and seek before the download ends, as webtorrent-cli
 * and rqbit do. Only verified pieces are served: a read that reaches a piece not verified yet puts a window of pieces
 * from there first in the picker's order ({@link PiecePriorities}) and waits until the piece is verified. Every
 * response streams from storage in small chunks; nothing is buffered whole.
 */
public final class StreamServer implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(StreamServer.class);

    /** Requests served at once: players open two or three; beyond this a request gets 503 at once. */
    public static final int MAX_CONNECTIONS = 16;
    /** Bytes read from storage and written per step: one buffer per connection. */
    static final int CHUNK = 64 * 1024;
    /** How far ahead of a reader its window reaches, in bytes (at least 2 pieces, at most 32). */
    static final long READ_AHEAD_BYTES = 4L << 20;
    /**
     * How long a read waits for one piece before giving up on the request (503 before any byte, a closed connection
     * after): the JDK server does not tell a handler that its client left, so this bounds the wait of a reader whose
     * player went away. Players give up far sooner and ask again.
     */
    static final long PIECE_WAIT_NANOS = TimeUnit.MINUTES.toNanos(2);
    /** How often a waiting reader looks whether its piece arrived. */
    static final long POLL_MILLIS = 10;

    private final PieceSource source;
    private final long fileOffset;
    private final long fileLength;
    private final String contentType;
    private final HttpServer server;
    private final ThreadPoolExecutor executor;
    private final Semaphore slots = new Semaphore(MAX_CONNECTIONS);

    /**
     * Starts serving bytes {@code fileOffset .. fileOffset + fileLength} of the torrent (one file) on {@code bind}
     * (port 0: any free one).
     */
    public StreamServer(PieceSource source, long fileOffset, long fileLength, String fileName, InetSocketAddress bind)
            throws IOException {
        this.source = source;
        this.fileOffset = fileOffset;
        this.fileLength = fileLength;
        this.contentType = contentType(fileName);
        this.server = HttpServer.create(bind, MAX_CONNECTIONS);
        // One more thread than slots answers 503; past that, the accepting thread answers itself (bounded either way).
        this.executor = new ThreadPoolExecutor(0, MAX_CONNECTIONS + 1, 30, TimeUnit.SECONDS, new SynchronousQueue<>(),
                r -> {
                    Thread t = new Thread(r, "btget-stream");
                    t.setDaemon(true);
                    return t;
                }, new ThreadPoolExecutor.CallerRunsPolicy());
        server.setExecutor(executor);
        server.createContext("/", this::handle);
        server.start();
    }

    /** The port the server listens on. */
    public int port() {
        return server.getAddress().getPort();
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
    }

    private void handle(HttpExchange ex) {
        try {
            if (!slots.tryAcquire()) {
                reply(ex, 503, "too many connections (at most " + MAX_CONNECTIONS + ")");
                return;
            }
            try {
                serve(ex);
            } finally {
                slots.release();
            }
        } catch (IOException e) {
            log.debug("stream client {}: {}", ex.getRemoteAddress(), e.toString()); // the player closed it: normal
        } catch (RuntimeException e) {
            log.warn("stream request failed: {}", e.toString());
        } finally {
            ex.close();
        }
    }

    private void serve(HttpExchange ex) throws IOException {
        String method = ex.getRequestMethod();
        boolean head = method.equals("HEAD");
        if (!head && !method.equals("GET")) {
            ex.getResponseHeaders().set("Allow", "GET, HEAD");
            reply(ex, 405, "only GET and HEAD");
            return;
        }
        RangeRequest range = RangeRequest.parse(ex.getRequestHeaders().getFirst("Range"), fileLength);
        var headers = ex.getResponseHeaders();
        headers.set("Accept-Ranges", "bytes");
        long first;
        long last;
        int status;
        if (range instanceof RangeRequest.Unsatisfiable) {
            headers.set("Content-Range", "bytes */" + fileLength);
            ex.sendResponseHeaders(416, -1);
            return;
        } else if (range instanceof RangeRequest.Part p) {
            first = p.first();
            last = p.last();
            status = 206;
            headers.set("Content-Range", "bytes " + first + "-" + last + "/" + fileLength);
        } else {
            first = 0;
            last = fileLength - 1;
            status = 200;
        }
        headers.set("Content-Type", contentType);
        long count = last - first + 1;
        if (head) {
            headers.set("Content-Length", Long.toString(count));
            ex.sendResponseHeaders(status, -1);
            return;
        }
        if (count <= 0) {
            ex.sendResponseHeaders(status, -1);
            return;
        }
        try (Reader reader = new Reader()) {
            // Wait for the first piece before the status line: a download that cannot deliver still gets a 503.
            if (!reader.await(first)) {
                headers.remove("Content-Range");
                reply(ex, 503, "the piece at byte " + first + " did not arrive in time");
                return;
            }
            ex.sendResponseHeaders(status, count);
            OutputStream out = ex.getResponseBody();
            byte[] buf = new byte[CHUNK];
            long pos = first;
            while (pos <= last) {
                if (!reader.await(pos)) {
                    return; // mid-response: closing the connection is the only way to say it
                }
                long abs = fileOffset + pos;
                int piece = (int) (abs / source.pieceLength());
                int inPiece = (int) (abs - (long) piece * source.pieceLength());
                int n = (int) Math.min(CHUNK, Math.min(source.pieceLength() - inPiece, last - pos + 1));
                if (!source.read(piece, inPiece, buf, n)) {
                    return;
                }
                out.write(buf, 0, n);
                pos += n;
            }
            out.flush();
        }
    }

    /** One request's position in the torrent: keeps a window of pieces from there first in the picker's order. */
    private final class Reader implements AutoCloseable {
        private PiecePriorities.Window window;
        private int windowFirst = -1;

        /** Waits (bounded) until the piece holding file byte {@code pos} is verified; false if it will not be. */
        boolean await(long pos) {
            int piece = (int) ((fileOffset + pos) / source.pieceLength());
            if (piece != windowFirst) {
                moveTo(piece);
            }
            if (source.have(piece)) {
                return true;
            }
            long deadline = System.nanoTime() + PIECE_WAIT_NANOS;
            while (!source.have(piece)) {
                if (source.stopping() || System.nanoTime() - deadline > 0) {
                    return false;
                }
                try {
                    Thread.sleep(POLL_MILLIS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return false;
                }
            }
            return !source.stopping();
        }

        private void moveTo(int piece) {
            int lastOfFile = (int) ((fileOffset + Math.max(0, fileLength - 1)) / source.pieceLength());
            int ahead = (int) Math.max(2, Math.min(32, READ_AHEAD_BYTES / source.pieceLength()));
            PiecePriorities.Window next = source.priorities().add(piece, Math.max(piece, Math.min(lastOfFile, piece + ahead - 1)));
            close();
            window = next;
            windowFirst = piece;
        }

        @Override
        public void close() {
            if (window != null) {
                source.priorities().remove(window);
                window = null;
            }
        }
    }

    private static void reply(HttpExchange ex, int status, String message) throws IOException {
        byte[] body = (message + "\n").getBytes(java.nio.charset.StandardCharsets.UTF_8);
        ex.getResponseHeaders().set("Content-Type", "text/plain; charset=utf-8");
        ex.sendResponseHeaders(status, body.length);
        ex.getResponseBody().write(body);
    }

    private static final Map<String, String> TYPES = Map.ofEntries(
            Map.entry("mp4", "video/mp4"), Map.entry("m4v", "video/mp4"), Map.entry("mkv", "video/x-matroska"),
            Map.entry("webm", "video/webm"), Map.entry("avi", "video/x-msvideo"), Map.entry("mov", "video/quicktime"),
            Map.entry("ts", "video/mp2t"), Map.entry("mp3", "audio/mpeg"), Map.entry("flac", "audio/flac"),
            Map.entry("ogg", "audio/ogg"), Map.entry("opus", "audio/ogg"), Map.entry("m4a", "audio/mp4"),
            Map.entry("wav", "audio/wav"), Map.entry("txt", "text/plain; charset=utf-8"), Map.entry("pdf", "application/pdf"));

    /** A Content-Type from the file's extension, so a browser plays instead of saving; octet-stream otherwise. */
    static String contentType(String fileName) {
        int dot = fileName.lastIndexOf('.');
        String ext = dot < 0 ? "" : fileName.substring(dot + 1).toLowerCase(Locale.ROOT);
        return TYPES.getOrDefault(ext, "application/octet-stream");
    }
}
