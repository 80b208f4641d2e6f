package io.btget.metainfo;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A magnet link (BEP 9, BEP 53 for {@code so}, BEP 52 for {@code urn:btmh}).
 *
 * @param infoHash     v1 info hash ({@code xt=urn:btih:}, 40 hex or 32 base32 digits)
 * @param infoHashV2   SHA-256 v2 info hash ({@code xt=urn:btmh:1220...}), 32 bytes
 * @param displayName  {@code dn}
 * @param trackers     {@code tr}, in order, without duplicates
 * @param peers        {@code x.pe} peer addresses ({@code host:port}), not resolved here
 * @param selectOnly   BEP 53 {@code so}: file index ranges, inclusive
 * @param warnings     parameters that were malformed and ignored, one line each (not part of the link's identity)
 * @param webSeeds     {@code ws}: BEP 19 web seed URLs (http and https only), in order, without duplicates
 */
public record MagnetLink(
        Optional<InfoHash> infoHash,
        Optional<byte[]> infoHashV2,
        Optional<String> displayName,
        List<String> trackers,
        List<String> peers,
        List<IndexRange> selectOnly,
        List<String> warnings,
        List<String> webSeeds) {

    private static final Logger log = LoggerFactory.getLogger(MagnetLink.class);

    /** Hostile links cannot make us loop or allocate much: real links are well under this. */
    public static final int MAX_LENGTH = 64 * 1024;
    private static final String BTIH = "urn:btih:";
    private static final String BTMH = "urn:btmh:";
    /** multihash prefix: 0x12 = sha2-256, 0x20 = 32 bytes */
    private static final String SHA256_MULTIHASH = "1220";

    /** An inclusive range of file indexes. */
    public record IndexRange(int first, int last) {
        public IndexRange {
            if (first < 0 || last < first) {
                throw new IllegalArgumentException("bad index range " + first + "-" + last);
            }
        }

        @Override
        public String toString() {
            return first == last ? Integer.toString(first) : first + "-" + last;
        }
    }

    public MagnetLink {
        if (infoHash.isEmpty() && infoHashV2.isEmpty()) {
            throw new IllegalArgumentException("a magnet link needs an info hash");
        }
        infoHashV2 = infoHashV2.map(byte[]::clone);
        trackers = List.copyOf(trackers);
        peers = List.copyOf(peers);
        selectOnly = List.copyOf(selectOnly);
        warnings = List.copyOf(warnings);
        webSeeds = List.copyOf(webSeeds);
    }

    /** A link without web seeds. */
    public MagnetLink(Optional<InfoHash> infoHash, Optional<byte[]> infoHashV2, Optional<String> displayName,
            List<String> trackers, List<String> peers, List<IndexRange> selectOnly, List<String> warnings) {
        this(infoHash, infoHashV2, displayName, trackers, peers, selectOnly, warnings, List.of());
    }

    /** A link with nothing ignored (no warnings). */
    public MagnetLink(Optional<InfoHash> infoHash, Optional<byte[]> infoHashV2, Optional<String> displayName,
            List<String> trackers, List<String> peers, List<IndexRange> selectOnly) {
        this(infoHash, infoHashV2, displayName, trackers, peers, selectOnly, List.of());
    }

    public static MagnetLink of(Torrent torrent) {
        List<String> trackers = torrent.trackerTiers().stream().flatMap(List::stream).distinct().toList();
        return new MagnetLink(Optional.of(torrent.infoHash()), torrent.infoHashV2(), Optional.of(torrent.name()),
                trackers, List.of(), List.of());
    }

    /**
     * Parses a magnet link. Only the info hash is required: a link is refused when it is not a magnet link, is
     * longer than {@link #MAX_LENGTH}, or holds no usable {@code xt=urn:btih:} / {@code xt=urn:btmh:} (the first
     * malformed one is named then). Every other parameter that is malformed is ignored with a line in
     * {@link #warnings()} (logged at INFO, seen under {@code -v}): a {@code tr} that is not an http, https or udp
     * URL, an {@code x.pe} that is not {@code host:port}, a bad %-escape in {@code dn}, {@code tr} or {@code x.pe},
     * a bad range in {@code so} (the good ranges are kept), a second, different btih (the first is kept). Unknown
     * parameters are ignored silently, as BEP 9 clients do.
     *
     * @throws InvalidTorrentException with a one-line message
     */
    public static MagnetLink parse(String link) {
        if (link.length() > MAX_LENGTH) {
            throw new InvalidTorrentException("magnet link is longer than " + MAX_LENGTH + " characters");
        }
        if (!link.regionMatches(true, 0, "magnet:?", 0, 8)) {
            throw new InvalidTorrentException("not a magnet link (must start with 'magnet:?')");
        }
        Optional<InfoHash> v1 = Optional.empty();
        Optional<byte[]> v2 = Optional.empty();
        Optional<String> dn = Optional.empty();
        LinkedHashSet<String> trackers = new LinkedHashSet<>();
        LinkedHashSet<String> peers = new LinkedHashSet<>();
        LinkedHashSet<String> webSeeds = new LinkedHashSet<>();
        List<IndexRange> so = List.of();
        List<String> warnings = new ArrayList<>();
        InvalidTorrentException firstBadHash = null;
        for (String param : link.substring(8).split("&")) {
            if (param.isEmpty()) {
                continue;
            }
            int eq = param.indexOf('=');
            String key = (eq < 0 ? param : param.substring(0, eq)).toLowerCase(Locale.ROOT);
            String rawValue = eq < 0 ? "" : param.substring(eq + 1);
            // Trackers also appear numbered ("tr.1"); the number carries no meaning.
            if (key.startsWith("tr.")) {
                key = "tr";
            }
            try {
                switch (key) {
                    case "xt" -> {
                        String xt = percentDecode(rawValue, false, "xt");
                        if (xt.regionMatches(true, 0, BTIH, 0, BTIH.length())) {
                            InfoHash h = parseBtih(xt.substring(BTIH.length()));
                            if (v1.isEmpty()) {
                                v1 = Optional.of(h);
                            } else if (!v1.get().equals(h)) {
                                warn(warnings, "magnet has a second, different xt=urn:btih: ignored, the first kept");
                            }
                        } else if (xt.regionMatches(true, 0, BTMH, 0, BTMH.length())) {
                            byte[] h = parseBtmh(xt.substring(BTMH.length()));
                            if (v2.isEmpty()) {
                                v2 = Optional.of(h);
                            }
                        }
                        // other xt kinds (ed2k, ...) are not ours to judge
                    }
                    case "dn" -> dn = Optional.of(percentDecode(rawValue, true, "dn"));
                    case "tr" -> {
                        String tr = percentDecode(rawValue, false, "tr").strip();
                        String problem = tr.isEmpty() ? null : TorrentParser.trackerProblem(tr);
                        if (problem != null) {
                            warn(warnings, "magnet tr= " + problem + ": ignored");
                        } else if (!tr.isEmpty()) {
                            trackers.add(tr);
                        }
                    }
                    case "x.pe" -> {
                        String pe = percentDecode(rawValue, false, "x.pe").strip();
                        if (isHostPort(pe)) {
                            peers.add(pe);
                        } else if (!pe.isEmpty()) {
                            warn(warnings, "magnet x.pe= '" + printable(pe) + "' " + (portOutOfRange(pe)
                                    ? "has a port outside 1..65535 (no peer can listen there)" : "is not host:port")
                                    + ": ignored");
                        }
                    }
                    case "ws" -> {
                        String ws = percentDecode(rawValue, false, "ws").strip();
                        String problem = ws.isEmpty() ? null : TorrentParser.webSeedProblem(ws);
                        if (problem != null) {
                            warn(warnings, "magnet ws= " + problem + ": ignored");
                        } else if (!ws.isEmpty()) {
                            webSeeds.add(ws);
                        }
                    }
                    case "so" -> so = parseSelectOnly(percentDecode(rawValue, false, "so"), warnings);
                    default -> {
                        // unknown parameters are ignored, as BEP 9 clients do
                    }
                }
            } catch (InvalidTorrentException e) {
                if (key.equals("xt")) {
                    // a malformed info hash refuses the link only when no usable one is left (checked below)
                    firstBadHash = firstBadHash == null ? e : firstBadHash;
                }
                warn(warnings, e.getMessage() + ": ignored");
            }
        }
        if (v1.isEmpty() && v2.isEmpty()) {
            if (firstBadHash != null) {
                throw firstBadHash;
            }
            throw new InvalidTorrentException("magnet link has no xt=urn:btih: or xt=urn:btmh: info hash");
        }
        for (String w : warnings) {
            log.debug("{}", w); // the CLI shows them to the user (MagnetInput)
        }
        return new MagnetLink(v1, v2, dn, new ArrayList<>(trackers), new ArrayList<>(peers), so, warnings,
                new ArrayList<>(webSeeds));
    }

    /** Hostile links cannot grow the list: the link itself is bounded, and so is this. */
    private static void warn(List<String> warnings, String line) {
        if (warnings.size() < 50) {
            warnings.add(line);
        }
    }

    /**
     * {@code host:port} as BEP 9 gives peers: a host name or IPv4 address, or an IPv6 address in brackets, and a
     * port 1-65535. Nothing is resolved here.
     */
    /** "host:N" where N is digits but not a TCP port a peer can listen on (0, or above 65535). */
    private static boolean portOutOfRange(String s) {
        int colon = s.lastIndexOf(':');
        String port = s.substring(colon + 1);
        if (colon <= 0 || port.isEmpty() || port.length() > 9 || !port.chars().allMatch(c -> c >= '0' && c <= '9')) {
            return false;
        }
        int p = Integer.parseInt(port);
        return p < 1 || p > 65535;
    }

    static boolean isHostPort(String s) {
        int colon = s.lastIndexOf(':');
        if (colon <= 0 || colon == s.length() - 1) {
            return false;
        }
        String host = s.substring(0, colon);
        String port = s.substring(colon + 1);
        if (port.length() > 5 || !port.chars().allMatch(c -> c >= '0' && c <= '9')) {
            return false;
        }
        int p = Integer.parseInt(port);
        if (p < 1 || p > 65535) {
            return false;
        }
        if (host.startsWith("[")) {
            return host.endsWith("]") && host.length() > 2
                    && host.substring(1, host.length() - 1).chars().allMatch(c -> Character.digit(c, 16) >= 0
                            || c == ':' || c == '.');
        }
        return host.length() <= 253 && host.chars().allMatch(c -> c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z'
                || c >= '0' && c <= '9' || c == '.' || c == '-' || c == '_');
    }

    private static String printable(String s) {
        String line = s.replaceAll("[\\p{Cntrl}\\x{80}-\\x{9f}]", "?");
        return line.length() > 200 ? line.substring(0, 200) + "..." : line;
    }

    private static InfoHash parseBtih(String digits) {
        if (digits.length() == 40) {
            try {
                return new InfoHash(HexFormat.of().parseHex(digits));
            } catch (IllegalArgumentException e) {
                throw new InvalidTorrentException("magnet xt=urn:btih: has a non-hex digit");
            }
        }
        if (digits.length() == 32) {
            return new InfoHash(base32(digits));
        }
        throw new InvalidTorrentException("magnet xt=urn:btih: must have 40 hex or 32 base32 digits, got "
                + digits.length());
    }

    private static byte[] parseBtmh(String digits) {
        if (digits.length() != 68 || !digits.regionMatches(true, 0, SHA256_MULTIHASH, 0, 4)) {
            throw new InvalidTorrentException("magnet xt=urn:btmh: must be 1220 followed by 64 hex digits");
        }
        try {
            return HexFormat.of().parseHex(digits.substring(4));
        } catch (IllegalArgumentException e) {
            throw new InvalidTorrentException("magnet xt=urn:btmh: has a non-hex digit");
        }
    }

    /** RFC 4648 base32 without padding: 32 digits carry exactly 160 bits. */
    private static byte[] base32(String digits) {
        byte[] out = new byte[20];
        long buffer = 0;
        int bits = 0;
        int pos = 0;
        for (int i = 0; i < digits.length(); i++) {
            char c = Character.toUpperCase(digits.charAt(i));
            int v;
            if (c >= 'A' && c <= 'Z') {
                v = c - 'A';
            } else if (c >= '2' && c <= '7') {
                v = c - '2' + 26;
            } else {
                throw new InvalidTorrentException("magnet xt=urn:btih: has a non-base32 digit '" + c + "'");
            }
            buffer = (buffer << 5) | v;
            bits += 5;
            if (bits >= 8) {
                bits -= 8;
                out[pos++] = (byte) (buffer >> bits);
            }
        }
        return out;
    }

    /** BEP 53: comma-separated indexes and inclusive ranges, e.g. {@code 0,2,4-6}; a bad part is left out. */
    private static List<IndexRange> parseSelectOnly(String value, List<String> warnings) {
        List<IndexRange> out = new ArrayList<>();
        for (String part : value.split(",")) {
            if (part.isEmpty()) {
                continue;
            }
            int dash = part.indexOf('-');
            try {
                int first = Integer.parseInt(dash < 0 ? part : part.substring(0, dash));
                int last = dash < 0 ? first : Integer.parseInt(part.substring(dash + 1));
                if (first < 0 || last < first) {
                    warn(warnings, "magnet so= has a bad range '" + printable(part) + "': ignored");
                    continue;
                }
                out.add(new IndexRange(first, last));
            } catch (NumberFormatException e) {
                warn(warnings, "magnet so= has a bad range '" + printable(part) + "': ignored");
            }
        }
        return out;
    }

    private static String percentDecode(String s, boolean plusIsSpace, String param) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(s.length());
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '%') {
                if (i + 2 >= s.length()) {
                    throw new InvalidTorrentException("magnet " + param + "= has a truncated %-escape");
                }
                int hi = Character.digit(s.charAt(i + 1), 16);
                int lo = Character.digit(s.charAt(i + 2), 16);
                if (hi < 0 || lo < 0) {
                    throw new InvalidTorrentException("magnet " + param + "= has a bad %-escape");
                }
                out.write(hi << 4 | lo);
                i += 2;
            } else if (c == '+' && plusIsSpace) {
                out.write(' ');
            } else {
                byte[] b = String.valueOf(c).getBytes(StandardCharsets.UTF_8);
                out.write(b, 0, b.length);
            }
        }
        return out.toString(StandardCharsets.UTF_8);
    }

    /** Percent-encodes everything except RFC 3986 unreserved characters. */
    private static String percentEncode(String s) {
        StringBuilder sb = new StringBuilder();
        for (byte b : s.getBytes(StandardCharsets.UTF_8)) {
            int c = b & 0xff;
            if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
                    || c == '-' || c == '.' || c == '_' || c == '~') {
                sb.append((char) c);
            } else {
                sb.append('%').append(Character.toUpperCase(Character.forDigit(c >> 4, 16)))
                        .append(Character.toUpperCase(Character.forDigit(c & 15, 16)));
            }
        }
        return sb.toString();
    }

    @Override
    public String toString() {
        List<String> params = new ArrayList<>();
        infoHash.ifPresent(h -> params.add("xt=" + BTIH + h.hex()));
        infoHashV2.ifPresent(h -> params.add("xt=" + BTMH + SHA256_MULTIHASH + HexFormat.of().formatHex(h)));
        displayName.ifPresent(n -> params.add("dn=" + percentEncode(n)));
        trackers.forEach(t -> params.add("tr=" + percentEncode(t)));
        peers.forEach(p -> params.add("x.pe=" + percentEncode(p)));
        webSeeds.forEach(w -> params.add("ws=" + percentEncode(w)));
        if (!selectOnly.isEmpty()) {
            params.add("so=" + String.join(",", selectOnly.stream().map(IndexRange::toString).toList()));
        }
        return "magnet:?" + String.join("&", params);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof MagnetLink m && toString().equals(m.toString());
    }

    @Override
    public int hashCode() {
        return toString().hashCode();
    }
}
