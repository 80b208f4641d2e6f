package io.btget.webseed;

import java.time.Duration;

/**
 * The bounds a web seed works within. {@link #DEFAULT} is what the session uses; tests shorten the times.
 *
 * @param connectTimeout   TCP connect (and TLS) to the server
 * @param readTimeout      silence on an open reply before it fails (libtorrent's {@code urlseed_timeout} is 20 s)
 * @param minBytesPerSecond a reply slower than this on average, once {@code slowGrace} of reading has passed,
 *                         fails: a server trickling bytes cannot hold pieces for ever
 * @param slowGrace        reading time before the rate is judged
 * @param blockDeadline    one 16 KiB block must arrive within this once its first byte is awaited, or the run is
 *                         dropped and its pieces go back to the picker: a run holds up to {@code requestBytes} of
 *                         pieces, which a trickling server must not keep from the peers and other web seeds for the
 *                         {@code slowGrace} (a peer holds a few blocks, and is snubbed after 20 s)
 * @param firstBackoff     wait after the first failure; doubled after each further one in a row
 * @param maxBackoff       the longest wait (libtorrent waits {@code urlseed_wait_retry} = 30 s)
 * @param maxFailures      failures in a row after which the web seed is given up for this run
 * @param requestBytes     bytes asked for in one run of contiguous pieces (at least one piece); libtorrent asks for
 *                         up to 16 MiB ({@code urlseed_max_request_bytes}); ours is smaller, as a run holds
 *                         in-flight piece slots the peers could use
 */
public record WebSeedLimits(Duration connectTimeout, Duration readTimeout, long minBytesPerSecond, Duration slowGrace,
        Duration blockDeadline, Duration firstBackoff, Duration maxBackoff, int maxFailures, int requestBytes) {

    public static final WebSeedLimits DEFAULT = new WebSeedLimits(Duration.ofSeconds(10), Duration.ofSeconds(20),
            4 * 1024, Duration.ofSeconds(20), Duration.ofSeconds(5), Duration.ofSeconds(1), Duration.ofSeconds(30), 6, 4 << 20);

    /**
     * At most this many web seeds of one torrent fetch at once, one HTTP connection each: a torrent listing a hundred
     * URLs must not start a hundred threads. The others wait and take the place of one that is given up or banned.
     */
    public static final int MAX_ACTIVE = 4;

    /**
     * 404/410 answers in a row for one file after which a web seed is given up for that file (its other files are
     * still fetched). A mirror that is still syncing answers 404 for a while, so one 404 is retried with the back-off
     * of a 5xx; three tries span about 3 s with the default back-off (1 s, then 2 s). libtorrent retries a web seed
     * after any HTTP error (its {@code Retry-After}, else {@code urlseed_wait_retry}, 30 s) and notes as a to-do in
     * {@code web_peer_connection::handle_error} to make the web seed not have the failed file's pieces instead, which
     * is what this does.
     */
    public static final int MAX_NOT_FOUND = 3;

    /**
     * The longest {@code Retry-After} (RFC 9110, on a 503 or 429) we honour: a server asking for an hour, or a date a
     * year away, must not park a web seed for the whole run. Longer asks wait this long. (libtorrent takes the header
     * on any error status, uncapped.)
     */
    public static final java.time.Duration MAX_RETRY_AFTER = java.time.Duration.ofMinutes(10);

    /** Redirects followed for one request (HttpURLConnection follows none across http/https; we follow our own). */
    public static final int MAX_REDIRECTS = 5;
}
