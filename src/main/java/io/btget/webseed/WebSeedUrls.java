package io.btget.webseed;

import io.btget.metainfo.FileEntry;
import io.btget.metainfo.Torrent;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * BEP 19 URL forms. Single-file torrent: the URL is the file itself, unless it ends with '/', when the torrent's
 * name is appended. Multi-file torrent: URL + name + '/' + the file's path elements joined by '/'; a URL without the
 * trailing '/' gets one (libtorrent repairs such torrents the same way). Every appended element is percent-encoded
 * as UTF-8, all but the RFC 3986 unreserved characters, so a name with spaces, '#', '?' or '%' stays one element.
 */
public final class WebSeedUrls {
    private WebSeedUrls() {
    }

    /** The URL to fetch file {@code fileIndex} of {@code torrent} from the web seed {@code base}. */
    public static URL fileUrl(String base, Torrent torrent, int fileIndex) {
        StringBuilder url = new StringBuilder(base);
        if (!torrent.multiFile()) {
            if (base.endsWith("/")) {
                url.append(encode(torrent.name()));
            }
        } else {
            if (!base.endsWith("/")) {
                url.append('/');
            }
            url.append(encode(torrent.name()));
            FileEntry f = torrent.files().get(fileIndex);
            for (String element : f.path()) {
                url.append('/').append(encode(element));
            }
        }
        return toUrl(url.toString());
    }

    /**
     * The BEP 17 request for bytes {@code [from, to)} of piece {@code piece} from the http seed {@code base}:
     * {@code base?info_hash=<20 bytes percent-encoded>&piece=<n>&ranges=<from>-<to - 1>} (the range's end is
     * inclusive, as in BEP 17's example); {@code &} instead of {@code ?} when the base has a query already.
     */
    public static URL httpSeedUrl(String base, byte[] infoHash, int piece, long from, long to) {
        StringBuilder url = new StringBuilder(base);
        url.append(base.indexOf('?') >= 0 ? '&' : '?').append("info_hash=");
        appendEncoded(url, infoHash);
        url.append("&piece=").append(piece).append("&ranges=").append(from).append('-').append(to - 1);
        return toUrl(url.toString());
    }

    /** The web seed base URL made a {@link URL}, or an exception with a one-line reason. */
    static URL toUrl(String url) {
        try {
            URI uri = new URI(url);
            String scheme = uri.getScheme();
            if (scheme == null || !(scheme.equalsIgnoreCase("http") || scheme.equalsIgnoreCase("https"))
                    || uri.getHost() == null) {
                throw new IllegalArgumentException("not an http(s) URL with a host: " + url);
            }
            return uri.toURL();
        } catch (URISyntaxException | java.net.MalformedURLException e) {
            throw new IllegalArgumentException("malformed URL " + url + ": " + e.getMessage());
        }
    }

    /** Percent-encodes one path element (UTF-8), keeping only {@code A-Z a-z 0-9 - . _ ~}. */
    public static String encode(String element) {
        StringBuilder out = new StringBuilder(element.length() + 8);
        appendEncoded(out, element.getBytes(StandardCharsets.UTF_8));
        return out.toString();
    }

    /** Appends {@code bytes} percent-encoded, all but {@code A-Z a-z 0-9 - . _ ~}. */
    private static void appendEncoded(StringBuilder out, byte[] bytes) {
        for (byte b : bytes) {
            int c = b & 0xff;
            if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '.'
                    || c == '_' || c == '~') {
                out.append((char) c);
            } else {
                out.append('%').append(Character.toUpperCase(Character.forDigit(c >> 4, 16)))
                        .append(Character.toUpperCase(Character.forDigit(c & 15, 16)));
            }
        }
    }

    /** For messages: the path elements of a file as one string. */
    static String display(List<String> path) {
        return String.join("/", path);
    }
}
