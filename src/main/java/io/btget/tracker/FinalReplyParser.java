package io.btget.tracker;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.net.ProtocolException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The final reply that follows an interim (1xx) one, read from the bytes after it. JDK 17's HttpURLConnection skips
 * {@code 100 Continue} but returns any other 1xx ({@code 103 Early Hints} from a CDN, {@code 102 Processing}) as if
 * it were the reply, with the real reply still unread on the connection; later JDKs skip every 1xx themselves
 * (RFC 9110 section 15.2: a client must accept any number of 1xx responses before the final one). Only that case
 * comes here, so this reads just what a reply to a GET can be: more 1xx heads, then a status line, header fields,
 * and a body framed by chunked coding, a Content-Length, or the end of the connection (RFC 9112 section 6.3).
 */
final class FinalReplyParser {
    /** A reply head (status line and fields) longer than this is refused: trackers send a few hundred bytes. */
    static final int MAX_HEAD = 64 * 1024;
    /** Interim replies skipped before the final one; servers send one or two. */
    static final int MAX_INTERIM = 8;
    /** A chunk-size line (hex size and extensions) longer than this is refused. */
    private static final int MAX_CHUNK_LINE = 1024;

    /** What the final reply holds. */
    record Parsed(int status, List<Map.Entry<String, String>> headers, byte[] body) {
    }

    private final InputStream in;
    private final int maxBody;
    private final long deadlineNanos;

    /** @param in the bytes after the interim reply's head (buffered: it is read a byte at a time) */
    FinalReplyParser(InputStream in, int maxBody, long deadlineNanos) {
        this.in = in;
        this.maxBody = maxBody;
        this.deadlineNanos = deadlineNanos;
    }

    /** @param wantBody whether to read the body of a reply with this status and Content-Length (-1: none) */
    Parsed parse(HttpGet.BodyPolicy wantBody) throws IOException {
        for (int interim = 0; interim <= MAX_INTERIM; interim++) {
            List<String> lines = readHead();
            String[] statusLine = lines.get(0).split(" ", 3);
            if (statusLine.length < 2 || !statusLine[0].startsWith("HTTP/1.") || !statusLine[1].matches("[0-9]{3}")) {
                throw new ProtocolException("reply is not HTTP: '" + TrackerException.printable(lines.get(0), 40) + "'");
            }
            int status = Integer.parseInt(statusLine[1]);
            if (status >= 100 && status < 200 && status != 101) {
                continue;
            }
            List<Map.Entry<String, String>> headers = new ArrayList<>();
            for (String line : lines.subList(1, lines.size())) {
                int colon = line.indexOf(':');
                if (colon > 0) {
                    headers.add(Map.entry(line.substring(0, colon).trim(), line.substring(colon + 1).trim()));
                }
            }
            String length = value(headers, "Content-Length");
            String transfer = value(headers, "Transfer-Encoding");
            long contentLength = -1;
            if (length != null) {
                try {
                    contentLength = Long.parseLong(length);
                } catch (NumberFormatException e) {
                    throw new ProtocolException("bad Content-Length '" + TrackerException.printable(length, 40) + "'");
                }
            }
            byte[] body = new byte[0];
            if (wantBody.wants(status, contentLength)) {
                if (transfer != null && transfer.toLowerCase(Locale.ROOT).endsWith("chunked")) {
                    body = readChunked();
                } else if (contentLength >= 0) {
                    body = readExactly(contentLength);
                } else {
                    body = BoundedBody.read(in, maxBody, deadlineNanos);
                }
            }
            return new Parsed(status, List.copyOf(headers), body);
        }
        throw new ProtocolException("more than " + MAX_INTERIM + " interim replies");
    }

    private static String value(List<Map.Entry<String, String>> headers, String name) {
        for (Map.Entry<String, String> h : headers) {
            if (h.getKey().equalsIgnoreCase(name)) {
                return h.getValue();
            }
        }
        return null;
    }

    /** The lines of one head, up to the empty line that ends it. */
    private List<String> readHead() throws IOException {
        List<String> lines = new ArrayList<>();
        int size = 0;
        while (true) {
            if (size >= MAX_HEAD) {
                throw new ProtocolException("reply head longer than " + MAX_HEAD + " bytes");
            }
            String line = readLine(MAX_HEAD - size);
            size += line.length() + 2;
            if (line.isEmpty()) {
                if (lines.isEmpty()) {
                    continue; // RFC 9112 section 2.2: a client may skip empty lines before a status line
                }
                return lines;
            }
            lines.add(line);
        }
    }

    /** One line without its CRLF (or bare LF), at most {@code max} bytes. */
    private String readLine(int max) throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        while (true) {
            int b = in.read();
            if (b < 0) {
                throw new ProtocolException("connection closed in a reply head");
            }
            checkTime();
            if (b == '\n') {
                byte[] bytes = line.toByteArray();
                int end = bytes.length > 0 && bytes[bytes.length - 1] == '\r' ? bytes.length - 1 : bytes.length;
                return new String(bytes, 0, end, StandardCharsets.ISO_8859_1);
            }
            if (line.size() >= max) {
                throw new ProtocolException("reply head longer than " + MAX_HEAD + " bytes");
            }
            line.write(b);
        }
    }

    /** A body of a promised length: the buffer grows with what arrives, not with the promise. */
    private byte[] readExactly(long length) throws IOException {
        if (length > maxBody) {
            throw new BoundedBody.TooLarge(maxBody);
        }
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        readInto(body, length);
        return body.toByteArray();
    }

    private void readInto(ByteArrayOutputStream out, long length) throws IOException {
        byte[] chunk = new byte[8192];
        for (long left = length; left > 0; ) {
            int n = in.read(chunk, 0, (int) Math.min(chunk.length, left));
            if (n < 0) {
                throw new ProtocolException("connection closed " + left + " bytes before the end of the body");
            }
            out.write(chunk, 0, n);
            left -= n;
            checkTime();
        }
    }

    /** RFC 9112 section 7.1: chunk sizes in hex, each chunk followed by CRLF, a last chunk of 0, then trailers. */
    private byte[] readChunked() throws IOException {
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        while (true) {
            String line = readLine(MAX_CHUNK_LINE);
            int semicolon = line.indexOf(';');
            String hex = (semicolon < 0 ? line : line.substring(0, semicolon)).trim();
            if (!hex.matches("[0-9A-Fa-f]{1,8}")) {
                throw new ProtocolException("bad chunk size '" + TrackerException.printable(hex, 20) + "'");
            }
            long size = Long.parseLong(hex, 16);
            if (size == 0) {
                while (!readLine(MAX_HEAD).isEmpty()) {
                    // trailer fields: nothing we use
                }
                return body.toByteArray();
            }
            if (size > maxBody - body.size()) {
                throw new BoundedBody.TooLarge(maxBody);
            }
            readInto(body, size);
            if (!readLine(2).isEmpty()) {
                throw new ProtocolException("chunk not followed by CRLF");
            }
        }
    }

    private void checkTime() throws IOException {
        if (System.nanoTime() - deadlineNanos >= 0) {
            throw new BoundedBody.PastDeadline();
        }
        if (Thread.currentThread().isInterrupted()) {
            throw new InterruptedIOException("interrupted");
        }
    }
}
