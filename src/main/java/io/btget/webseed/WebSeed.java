package io.btget.webseed;

import io.btget.metainfo.FileEntry;
import io.btget.metainfo.Torrent;
import io.btget.peer.BlockSource;
import io.btget.peer.Limits;
import io.btget.piece.Bitfield;
import io.btget.piece.BlockRequest;
import io.btget.piece.BlockResult;
import io.btget.piece.PiecePicker;
import io.btget.storage.FileLayout;
import io.btget.storage.FileSpan;
import java.io.IOException;
import java.io.InputStream;
import java.net.HttpURLConnection;
import java.net.URL;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One web seed (BEP 19): an HTTP server holding the torrent's files, which the picker sees as a peer that has every
 * piece and never chokes. Its own thread asks the picker for a run of contiguous pieces
 * ({@link PiecePicker#pickContiguous}), maps the run through the {@link FileLayout} to byte ranges of files, fetches
 * them with HTTP Range requests over one connection ({@link HttpURLConnection}, kept alive between requests), and
 * hands each 16 KiB block to the same completion path as a peer's blocks: the piece is verified by its hash there.
 *
 * <p>Replies: {@code 206} with a {@code Content-Range} that must be exactly the range asked for (and the file's
 * length when given); {@code 200} (a server that ignores Range, such as {@code python3 -m http.server}) is the whole
 * file from byte 0, so the bytes before the wanted offset are read and dropped, and the reply is kept open for the
 * next run, which in index order usually follows on: the file is read through about once. libtorrent refuses a
 * 200 whose range is not the one asked for ({@code invalid_range}); aria2c downloads such a file with one
 * connection from its start. Redirects are followed ({@link WebSeedLimits#MAX_REDIRECTS}). Errors (connection,
 * 404, 5xx, a wrong range, a server too slow) give the pieces back and retry after an exponential back-off; after
 * {@link WebSeedLimits#maxFailures} in a row the web seed is given up. A 503 or 429 with {@code Retry-After} waits at
 * least as long as the server asks ({@link RetryAfter}, capped). A file answered 404/410
 * {@link WebSeedLimits#MAX_NOT_FOUND} times in a row is given up on this web seed alone: its pieces are no longer
 * asked of it, the other files still are. Pieces that fail their hash are charged to it
 * as to a peer: a web seed that alone sent two bad pieces (or shared three) is banned
 * ({@link Limits#MAX_HASH_FAILURES}), its data is never trusted again in this run.
 *
 * <p>Memory: one 16 KiB block buffer; a run holds at most {@link WebSeedLimits#requestBytes} of the picker's
 * in-flight pieces. Nothing is allocated from a server's Content-Length: exactly the bytes wanted are read.
 */
final class WebSeed implements BlockSource {
    private static final Logger log = LoggerFactory.getLogger(WebSeed.class);
    /** When the picker has nothing for us (pieces in flight elsewhere, or all done): look again this often. */
    private static final long IDLE_MILLIS = 100;

    private final String url;
    /** A BEP 17 http seed: asked for pieces ({@code ?info_hash=&piece=&ranges=}), not for files by Range. */
    private final boolean httpSeed;
    private final Torrent torrent;
    private final FileLayout layout;
    private final WebSeedHost host;
    private final WebSeedLimits limits;
    private final WebSeeds owner;
    private final PiecePicker<BlockSource> picker;
    private final Thread thread;
    private final AtomicBoolean closed = new AtomicBoolean();
    private final AtomicInteger hashFailures = new AtomicInteger();
    private final byte[] block = new byte[BlockRequest.BLOCK_SIZE];
    /** Resolved (redirected) URL per file index; this thread only. */
    private final Map<Integer, URL> resolved = new HashMap<>();
    /** 404/410 replies in a row per file index; this thread only. */
    private final Map<Integer, Integer> missing = new HashMap<>();
    /** The pieces this web seed is still asked for: all, less those of files it was given up for; this thread only. */
    private Bitfield has;
    private volatile String closeReason;
    /** The reply being read, for {@link #close} from another thread to cut. */
    private volatile HttpURLConnection current;
    /** Whether picks are outstanding and when a block last came, for {@link #lagging}. */
    private volatile boolean holding;
    private volatile long lastBlockAt = System.nanoTime();
    private volatile boolean backingOff;
    private final Object waitLock = new Object();

    // The open reply (this thread only):
    private InputStream in;
    private int streamFile = -1;
    private long streamPos;
    private long streamEnd;
    /** Nanoseconds spent inside reads of the open reply, and bytes read, to judge a trickle. */
    private long readNanos;
    private long readBytes;

    WebSeed(String url, boolean httpSeed, Torrent torrent, FileLayout layout, WebSeedHost host, WebSeedLimits limits,
            WebSeeds owner) {
        this.url = url;
        this.httpSeed = httpSeed;
        this.torrent = torrent;
        this.layout = layout;
        this.host = host;
        this.limits = limits;
        this.owner = owner;
        this.picker = host.picker();
        this.thread = new Thread(this::run, "webseed " + url);
        thread.setDaemon(true);
    }

    void start() {
        has = new Bitfield(torrent.pieceCount());
        has.setAll();
        picker.addPeer(this, has.copy()); // BEP 19: a web seed has every piece
        thread.start();
    }

    void join(long millis) throws InterruptedException {
        thread.join(millis);
    }

    @Override
    public String toString() {
        return (httpSeed ? "http seed " : "web seed ") + url;
    }

    // ---- BlockSource ----

    @Override
    public boolean lagging() {
        return closed.get() || backingOff
                || (holding && System.nanoTime() - lastBlockAt > TimeUnit.MILLISECONDS.toNanos(Limits.ENDGAME_LAG_MILLIS));
    }

    @Override
    public int chargeHashFailure() {
        return hashFailures.incrementAndGet();
    }

    @Override
    public void close(String reason, boolean misbehaved) {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        closeReason = reason;
        if (misbehaved) {
            host.event("webseed_banned", "banned " + this + ": " + reason,
                    fields("reason", reason));
        }
        HttpURLConnection c = current;
        if (c != null) {
            c.disconnect(); // unblocks a read in progress on our thread
        }
        synchronized (waitLock) {
            waitLock.notifyAll(); // ends a back-off or idle wait (no interrupt: it would close a FileChannel mid-write)
        }
    }

    @Override
    public void cancel(BlockRequest b) {
        // The block arrives with the rest of its run; the picker then calls it a duplicate and it is dropped.
    }

    // ---- the thread ----

    private void run() {
        int failures = 0;
        int nextPiece = 0;
        int maxBlocks = Math.max(torrent.pieceLength(), limits.requestBytes()) / BlockRequest.BLOCK_SIZE;
        try {
            while (!closed.get() && !host.isComplete() && !picker.isStopped()) {
                List<BlockRequest> picks = picker.pickContiguous(this, maxBlocks, nextPiece, WebSeed::lags);
                if (picks.isEmpty()) {
                    closeStream();
                    pause(IDLE_MILLIS);
                    continue;
                }
                nextPiece = picks.get(picks.size() - 1).piece() + 1;
                holding = true;
                lastBlockAt = System.nanoTime();
                try {
                    fetch(picks);
                    failures = 0;
                } catch (WebSeedException e) {
                    closeStream();
                    resolved.clear();
                    picker.release(this);
                    if (closed.get()) {
                        break;
                    }
                    failures++;
                    if (e.notFound() && missing.merge(e.file, 1, Integer::sum) >= WebSeedLimits.MAX_NOT_FOUND) {
                        dropFile(e.file, e.getMessage());
                        if (has.isEmpty()) {
                            host.event("webseed_failed", this + " given up: it has none of the files",
                                    fields("reason", e.getMessage()));
                            return;
                        }
                    }
                    if (failures >= limits.maxFailures()) {
                        host.event("webseed_failed", this + " given up after " + failures
                                + " failures in a row: " + e.getMessage(), fields("reason", e.getMessage()));
                        return;
                    }
                    long wait = Math.min(limits.maxBackoff().toMillis(),
                            limits.firstBackoff().toMillis() << Math.min(20, failures - 1));
                    boolean asked = e.retryAfterMillis > wait; // the server's Retry-After, already capped
                    wait = Math.max(wait, e.retryAfterMillis);
                    host.event("webseed_error", this + ": " + e.getMessage() + " (retry in "
                            + (wait >= 1000 ? wait / 1000 + " s" : wait + " ms") + (asked ? ", as the server asked" : "")
                            + ")", fields("reason", e.getMessage()));
                    backingOff = true;
                    try {
                        pause(wait);
                    } finally {
                        backingOff = false;
                    }
                } finally {
                    holding = false;
                }
            }
        } catch (InterruptedException e) {
            // closed
        } catch (RuntimeException e) {
            log.debug("web seed {} failed", url, e);
            host.event("webseed_failed", this + " stopped: " + e, fields("reason", e.toString()));
        } finally {
            closed.set(true);
            closeStream();
            host.piecesAbandoned(picker.removePeer(this));
            owner.ended(this);
            String reason = closeReason;
            if (reason != null) {
                log.debug("web seed {} closed: {}", url, reason);
            }
        }
    }

    /**
     * Stops asking this web seed for the pieces of file {@code file}, which it kept answering 404/410 for: the picker
     * no longer counts it as having them (a piece shared with another file goes too: it cannot be fetched whole).
     */
    private void dropFile(int file, String reason) {
        FileEntry f = torrent.files().get(file);
        if (f.length() > 0) {
            int first = (int) (f.offset() / torrent.pieceLength());
            int last = (int) ((f.end() - 1) / torrent.pieceLength());
            for (int p = first; p <= last; p++) {
                has.clear(p);
            }
        }
        host.piecesAbandoned(picker.peerBitfieldReplaced(this, has.copy()));
        String where = WebSeedUrls.display(f.path());
        host.event("webseed_file_missing", this + " given up for " + where + " after "
                + WebSeedLimits.MAX_NOT_FOUND + " tries: " + reason, fields("file", where));
    }

    /** Waits {@code millis}, or less if closed meanwhile. */
    private void pause(long millis) throws InterruptedException {
        long end = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(millis);
        synchronized (waitLock) {
            for (long left = millis; left > 0 && !closed.get();
                    left = TimeUnit.NANOSECONDS.toMillis(end - System.nanoTime())) {
                waitLock.wait(left);
            }
        }
    }

    private static boolean lags(BlockSource source) {
        return source.lagging();
    }

    /** Fetches the picked blocks (sorted by the picker in piece order), run by contiguous run, block by block. */
    private void fetch(List<BlockRequest> picks) throws WebSeedException, InterruptedException {
        long pieceLength = torrent.pieceLength();
        int i = 0;
        while (i < picks.size()) {
            int j = i + 1;
            long runStart = picks.get(i).piece() * pieceLength + picks.get(i).offset();
            long runEnd = runStart + picks.get(i).length();
            while (j < picks.size() && picks.get(j).piece() * pieceLength + picks.get(j).offset() == runEnd) {
                runEnd += picks.get(j).length();
                j++;
            }
            for (int k = i; k < j; k++) {
                if (closed.get()) {
                    throw new WebSeedException("closed");
                }
                BlockRequest b = picks.get(k);
                host.downloadLimiter().acquire(b.length());
                readBlock(b.piece() * pieceLength + b.offset(), b.length(), runEnd);
                deliver(b);
            }
            i = j;
        }
    }

    private void deliver(BlockRequest b) {
        lastBlockAt = System.nanoTime();
        BlockResult<BlockSource> result = picker.blockReceived(this, b);
        if (!result.accepted()) {
            host.countWasted(b.length());
            return;
        }
        byte[] buffer = host.pieceBuffer(b.piece());
        System.arraycopy(block, 0, buffer, b.offset(), b.length());
        host.blockStored(this, b, buffer);
        for (BlockSource other : result.cancelFrom()) {
            if (other != this) {
                try {
                    other.cancel(b);
                } catch (RuntimeException e) {
                    log.debug("cancel to {} failed", other, e); // that peer's trouble, not ours
                }
            }
        }
    }

    /** Reads torrent bytes {@code [offset, offset + length)} into {@link #block}; the run goes on to {@code runEnd}. */
    private void readBlock(long offset, int length, long runEnd) throws WebSeedException, InterruptedException {
        if (httpSeed) { // BEP 17: the reply is the piece's bytes; "files" of the open reply are pieces
            int piece = (int) (offset / torrent.pieceLength());
            long pieceStart = (long) piece * torrent.pieceLength();
            position(piece, offset - pieceStart, Math.min(torrent.pieceSize(piece), runEnd - pieceStart));
            readFully(0, length);
            return;
        }
        for (FileSpan span : layout.spans(offset, length)) {
            FileEntry f = torrent.files().get(span.fileIndex());
            if (f.padding()) { // BEP 47: zeros, not on the server
                java.util.Arrays.fill(block, span.rangeOffset(), span.rangeOffset() + span.length(), (byte) 0);
                continue;
            }
            long wantEnd = Math.min(f.end(), runEnd) - f.offset(); // the run's end within this file
            position(span.fileIndex(), span.fileOffset(), wantEnd);
            readFully(span.rangeOffset(), span.length());
        }
    }

    /** Makes the open reply stand at {@code pos} of file {@code file}, opening a request to {@code end} if need be. */
    private void position(int file, long pos, long end) throws WebSeedException, InterruptedException {
        if (in != null && streamFile == file && streamPos <= pos && end <= streamEnd) {
            skip(pos - streamPos); // a 200 reply read on; or nothing to skip
            return;
        }
        closeStream();
        open(file, pos, end);
    }

    private void open(int file, long from, long to) throws WebSeedException, InterruptedException {
        long fileLength = httpSeed ? torrent.pieceSize(file) : torrent.files().get(file).length();
        URL target = httpSeed ? WebSeedUrls.httpSeedUrl(url, torrent.infoHash().bytes(), file, from, to)
                : resolved.computeIfAbsent(file, f -> WebSeedUrls.fileUrl(url, torrent, f));
        HttpURLConnection c = null;
        int code;
        try {
            for (int hops = 0; ; hops++) {
                c = (HttpURLConnection) target.openConnection();
                c.setInstanceFollowRedirects(false);
                c.setConnectTimeout((int) limits.connectTimeout().toMillis());
                c.setReadTimeout((int) limits.readTimeout().toMillis());
                c.setUseCaches(false);
                if (!httpSeed) {
                    c.setRequestProperty("Range", "bytes=" + from + "-" + (to - 1));
                }
                c.setRequestProperty("Accept-Encoding", "identity");
                c.setRequestProperty("User-Agent", "btget");
                current = c;
                if (closed.get()) {
                    throw new WebSeedException("closed");
                }
                code = c.getResponseCode();
                if (code != 301 && code != 302 && code != 303 && code != 307 && code != 308) {
                    break;
                }
                String location = c.getHeaderField("Location");
                c.disconnect();
                if (location == null || hops >= WebSeedLimits.MAX_REDIRECTS) {
                    throw new WebSeedException(location == null ? "HTTP " + code + " without a Location"
                            : "more than " + WebSeedLimits.MAX_REDIRECTS + " redirects");
                }
                try {
                    target = WebSeedUrls.toUrl(new URL(target, location).toString());
                } catch (IOException | IllegalArgumentException e) {
                    throw new WebSeedException("redirect to an unusable location: " + clip(location));
                }
                if (!httpSeed) {
                    resolved.put(file, target);
                }
            }
            String where = httpSeed ? "piece " + file : WebSeedUrls.display(torrent.files().get(file).path());
            if (httpSeed && code == 200) {
                // BEP 17: exactly the bytes of the ranges asked for
                long length = c.getContentLengthLong();
                if (length >= 0 && length != to - from) {
                    throw new WebSeedException("asked for " + (to - from) + " bytes of " + where + ", the reply has "
                            + length);
                }
                in = c.getInputStream();
                streamPos = from;
                streamEnd = to;
            } else if (httpSeed) {
                long retryAfter = code == 503 || code == 429 ? httpSeedRetry(c) : -1;
                throw new WebSeedException("HTTP " + code + " " + clip(c.getResponseMessage()) + " for " + where,
                        code, -1, retryAfter);
            } else if (code == 206) {
                ContentRange range = ContentRange.parse(c.getHeaderField("Content-Range"));
                if (range == null || range.first() != from || range.last() != to - 1
                        || (range.total() != -1 && range.total() != fileLength)) {
                    throw new WebSeedException("asked for bytes " + from + "-" + (to - 1) + " of " + where
                            + ", got Content-Range " + clip(c.getHeaderField("Content-Range")));
                }
                in = c.getInputStream();
                streamPos = from;
                streamEnd = to;
            } else if (code == 200) {
                long length = c.getContentLengthLong();
                if (length >= 0 && length != fileLength) {
                    throw new WebSeedException(where + " is " + length + " bytes on the server, the torrent says "
                            + fileLength);
                }
                in = c.getInputStream();
                streamPos = 0;
                streamEnd = fileLength;
                if (from > 0) {
                    log.debug("web seed {} ignores Range: reading {} from its start", url, where);
                }
            } else {
                long retryAfter = code == 503 || code == 429
                        ? RetryAfter.millis(c.getHeaderField("Retry-After"), java.time.Instant.now()) : -1;
                throw new WebSeedException("HTTP " + code + " " + clip(c.getResponseMessage()) + " for " + where,
                        code, file, retryAfter);
            }
            missing.remove(file);
            streamFile = file;
            readNanos = 0;
            readBytes = 0;
            skip(from - streamPos);
        } catch (IOException e) {
            if (c != null) {
                c.disconnect();
            }
            throw new WebSeedException(closed.get() ? "closed" : reason(e));
        } catch (WebSeedException e) {
            if (c != null) {
                c.disconnect();
            }
            throw e;
        }
    }

    /**
     * How long a busy http seed asks us to wait: its {@code Retry-After} header, else (BEP 17) the body of its 503,
     * which holds the number of seconds; at most {@link #RETRY_BODY_BYTES} of it are read.
     */
    private long httpSeedRetry(HttpURLConnection c) {
        long header = RetryAfter.millis(c.getHeaderField("Retry-After"), java.time.Instant.now());
        if (header >= 0) {
            return header;
        }
        try (InputStream err = c.getErrorStream()) {
            if (err == null) {
                return -1;
            }
            byte[] body = err.readNBytes(RETRY_BODY_BYTES);
            return RetryAfter.millis(new String(body, java.nio.charset.StandardCharsets.US_ASCII),
                    java.time.Instant.now());
        } catch (IOException e) {
            return -1;
        }
    }

    /** Bytes of a busy http seed's 503 body read for its number of seconds (BEP 17): a number, not a page. */
    private static final int RETRY_BODY_BYTES = 16;

    /** Reads and drops {@code n} bytes of the open reply (a server that ignores Range). */
    private void skip(long n) throws WebSeedException {
        while (n > 0) {
            int chunk = (int) Math.min(n, block.length);
            readInto(block, 0, chunk, 0);
            n -= chunk;
        }
    }

    private void readFully(int offset, int length) throws WebSeedException {
        readInto(block, offset, length, System.nanoTime() + limits.blockDeadline().toNanos());
    }

    /** Reads into {@code dst}; past {@code deadline} (a {@link System#nanoTime} value) it fails: 0 for none. */
    private void readInto(byte[] dst, int offset, int length, long deadline) throws WebSeedException {
        try {
            int done = 0;
            while (done < length) {
                if (deadline != 0 && System.nanoTime() - deadline > 0) {
                    throw new WebSeedException("no block within " + limits.blockDeadline().toMillis() + " ms ("
                            + done + " of " + length + " bytes)");
                }
                long t0 = System.nanoTime();
                int n = in.read(dst, offset + done, length - done);
                readNanos += System.nanoTime() - t0;
                if (n < 0) {
                    throw new WebSeedException("reply ended early, at byte " + streamPos + " of "
                            + (httpSeed ? "piece " + streamFile
                                    : "file " + WebSeedUrls.display(torrent.files().get(streamFile).path())));
                }
                done += n;
                streamPos += n;
                readBytes += n;
                if (readNanos > limits.slowGrace().toNanos()
                        && readBytes * 1_000_000_000L / readNanos < limits.minBytesPerSecond()) {
                    throw new WebSeedException("too slow: " + readBytes + " bytes in "
                            + readNanos / 1_000_000 + " ms");
                }
            }
            if (streamPos == streamEnd) {
                in.close(); // a reply read to its end: the connection goes back to the keep-alive pool
                in = null;
                current = null;
                streamFile = -1;
            }
        } catch (IOException e) {
            throw new WebSeedException(closed.get() ? "closed" : reason(e));
        }
    }

    private void closeStream() {
        HttpURLConnection c = current;
        current = null;
        if (in != null || c != null) {
            if (c != null) {
                c.disconnect(); // not drained: a 200 reply may have the rest of a large file to come
            }
            in = null;
        }
        streamFile = -1;
    }

    private static String reason(IOException e) {
        String m = e.getMessage();
        String kind = e.getClass().getSimpleName();
        return m == null ? kind : kind + ": " + clip(m);
    }

    /** Server text in our messages is cut short: it is untrusted and may be long. */
    private static String clip(String s) {
        if (s == null) {
            return "(none)";
        }
        String t = s.replaceAll("[\\p{Cntrl}]", "?");
        return t.length() <= 120 ? t : t.substring(0, 120) + "...";
    }

    private Map<String, Object> fields(String key, Object value) {
        if (httpSeed) {
            Map<String, Object> f = new LinkedHashMap<>();
            f.put("url", url);
            f.put("kind", "httpseed");
            f.put(key, value);
            return f;
        }
        Map<String, Object> f = new LinkedHashMap<>();
        f.put("url", url);
        f.put(key, value);
        return f;
    }

    /** A failed request: the message is one line for the user. */
    static final class WebSeedException extends Exception {
        /** The HTTP status of a refused request, else 0. */
        final int status;
        /** The file asked for when {@code status} came, else -1. */
        final int file;
        /** How long the server asked us to wait (503/429 {@code Retry-After}, capped), else -1. */
        final long retryAfterMillis;

        WebSeedException(String message) {
            this(message, 0, -1, -1);
        }

        WebSeedException(String message, int status, int file, long retryAfterMillis) {
            super(message, null, false, false);
            this.status = status;
            this.file = file;
            this.retryAfterMillis = retryAfterMillis;
        }

        /** A 404 or 410: the server does not have the file (a mirror still syncing, or never). */
        boolean notFound() {
            return (status == 404 || status == 410) && file >= 0;
        }
    }
}
