package io.btget.tracker;

import java.nio.charset.StandardCharsets;
import java.util.Optional;

/** Builds the GET URL of an HTTP announce (BEP 3): binary values percent-encoded byte by byte (RFC 3986). */
public final class AnnounceUrl {
    private static final char[] HEX = "0123456789ABCDEF".toCharArray();

    private AnnounceUrl() {
    }

    /**
     * Appends the announce parameters to {@code base}, which may already carry a query string (private trackers
     * put a passkey there) and may carry a fragment, which is kept at the end.
     */
    public static String build(String base, AnnounceRequest r, String key, Optional<String> trackerId) {
        String fragment = "";
        int hash = base.indexOf('#');
        if (hash >= 0) {
            fragment = base.substring(hash);
            base = base.substring(0, hash);
        }
        StringBuilder url = new StringBuilder(base.length() + 256).append(base);
        if (base.indexOf('?') < 0) {
            url.append('?');
        } else if (!base.endsWith("?") && !base.endsWith("&")) {
            url.append('&');
        }
        url.append("info_hash=").append(encode(r.infoHash().bytes()));
        url.append("&peer_id=").append(encode(r.peerId()));
        url.append("&port=").append(r.port());
        url.append("&uploaded=").append(r.uploaded());
        url.append("&downloaded=").append(r.downloaded());
        url.append("&left=").append(r.left());
        url.append("&compact=1");
        if (r.numWant() >= 0) {
            url.append("&numwant=").append(r.numWant());
        }
        url.append("&key=").append(encode(key.getBytes(StandardCharsets.UTF_8)));
        r.event().httpName().ifPresent(e -> url.append("&event=").append(e));
        trackerId.ifPresent(id -> url.append("&trackerid=").append(encode(id.getBytes(StandardCharsets.UTF_8))));
        return url.append(fragment).toString();
    }

    /** Percent-encodes every byte except RFC 3986 unreserved characters. */
    public static String encode(byte[] bytes) {
        StringBuilder sb = new StringBuilder(bytes.length * 3);
        for (byte b : bytes) {
            int c = b & 0xff;
            if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')
                    || c == '-' || c == '.' || c == '_' || c == '~') {
                sb.append((char) c);
            } else {
                sb.append('%').append(HEX[c >>> 4]).append(HEX[c & 0xf]);
            }
        }
        return sb.toString();
    }
}
