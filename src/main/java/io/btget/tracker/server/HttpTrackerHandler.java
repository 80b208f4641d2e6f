package io.btget.tracker.server;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import io.btget.metainfo.InfoHash;
import io.btget.tracker.AnnounceEvent;
import io.btget.tracker.HttpAnnounceWriter;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code GET /announce} (BEP 3, 7, 23) and {@code GET /scrape} (BEP 48). Errors a client can act on are answered
 * the BEP 3 way, status 200 with {@code failure reason}, so that every client shows the message.
 */
final class HttpTrackerHandler implements HttpHandler {
    static final int MAX_SCRAPE = 1000;

    private final Swarms swarms;
    private final int intervalSeconds;

    HttpTrackerHandler(Swarms swarms, int intervalSeconds) {
        this.swarms = swarms;
        this.intervalSeconds = intervalSeconds;
    }

    @Override
    public void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            String path = exchange.getRequestURI().getRawPath();
            if (!"GET".equals(exchange.getRequestMethod())) {
                send(exchange, 405, HttpAnnounceWriter.failure("only GET is supported"));
                return;
            }
            QueryString query;
            try {
                query = QueryString.parse(exchange.getRequestURI().getRawQuery());
            } catch (IllegalArgumentException e) {
                send(exchange, 400, HttpAnnounceWriter.failure("bad query string: " + e.getMessage()));
                return;
            }
            if (path.equals("/announce")) {
                send(exchange, 200, announce(query, exchange.getRemoteAddress().getAddress()));
            } else if (path.equals("/scrape")) {
                send(exchange, 200, scrape(query));
            } else {
                send(exchange, 404, HttpAnnounceWriter.failure("unknown path; use /announce or /scrape"));
            }
        }
    }

    private byte[] announce(QueryString q, InetAddress source) {
        byte[] infoHash = q.first("info_hash");
        byte[] peerId = q.first("peer_id");
        if (infoHash == null || infoHash.length != InfoHash.LENGTH) {
            return HttpAnnounceWriter.failure("info_hash must be 20 bytes");
        }
        if (peerId == null || peerId.length != 20) {
            return HttpAnnounceWriter.failure("peer_id must be 20 bytes");
        }
        int port = (int) number(q, "port", -1);
        if (port < 1 || port > 65535) {
            return HttpAnnounceWriter.failure("port must be 1..65535");
        }
        long left = number(q, "left", 0);
        if (left < 0) {
            return HttpAnnounceWriter.failure("left must be a non-negative integer");
        }
        int numWant = (int) Math.max(-1, Math.min(Integer.MAX_VALUE, number(q, "numwant", -1)));
        AnnounceEvent event = AnnounceEvent.fromHttpName(q.text("event"));
        boolean compact = !"0".equals(q.text("compact"));
        InetAddress address = PeerAddresses.effective(source, q.text("ip"));
        Swarms.Reply reply;
        try {
            reply = swarms.announce(new InfoHash(infoHash), peerId, new InetSocketAddress(address, port), left,
                    event, numWant);
        } catch (IllegalStateException e) {
            return HttpAnnounceWriter.failure(e.getMessage());
        }
        return HttpAnnounceWriter.announce(intervalSeconds, 0, reply.seeders(), reply.leechers(), reply.peers(),
                compact);
    }

    private byte[] scrape(QueryString q) {
        List<InfoHash> hashes = new ArrayList<>();
        for (byte[] h : q.all("info_hash")) {
            if (h.length != InfoHash.LENGTH) {
                return HttpAnnounceWriter.failure("info_hash must be 20 bytes");
            }
            hashes.add(new InfoHash(h));
        }
        return HttpAnnounceWriter.scrape(swarms.scrape(hashes, MAX_SCRAPE));
    }

    /** A decimal parameter; {@code fallback} when absent; -1 (rejected by callers) when malformed. */
    private static long number(QueryString q, String name, long fallback) {
        String text = q.text(name);
        if (text == null || text.isEmpty()) {
            return fallback;
        }
        if (text.length() > 19 || !text.chars().allMatch(c -> c >= '0' && c <= '9')) {
            return text.equals("-1") ? -1 : Long.MIN_VALUE;
        }
        return Long.parseLong(text);
    }

    private static void send(HttpExchange exchange, int status, byte[] body) throws IOException {
        exchange.getResponseHeaders().set("Content-Type", "text/plain");
        exchange.sendResponseHeaders(status, body.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(body);
        }
    }
}
