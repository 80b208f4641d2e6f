package io.btget.metainfo;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * A magnet link (BEP 9, BEP 53 for {@code so}, BEP 52 for {@code urn:btmh}).
 *
 * @param infoHash     v1 info hash ({@code xt=urn:btih:}, 40 hex or 32 base32 digits)
 * @param infoHashV2   SHA-256 v2 info hash ({@code xt=urn:btmh:1220...}), 32 bytes
 * @param displayName  {@code dn}
 * @param trackers     {@code tr}, in order, without duplicates
 * @param peers        {@code x.pe} peer addresses ({@code host:port}), not resolved here
 * @param selectOnly   BEP 53 {@code so}: file index ranges, inclusive
 */
public record MagnetLink(
        Optional<InfoHash> infoHash,
        Optional<byte[]> infoHashV2,
        Optional<String> displayName,
        List<String> trackers,
        List<String> peers,
        List<IndexRange> selectOnly) {

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
    }

    public static MagnetLink of(Torrent torrent) {
        List<String> trackers = torrent.trackerTiers().stream().flatMap(List::stream).distinct().toList();
        return new MagnetLink(Optional.of(torrent.infoHash()), torrent.infoHashV2(), Optional.of(torrent.name()),
                trackers, List.of(), List.of());
    }

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
        List<IndexRange> so = List.of();
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
            switch (key) {
                case "xt" -> {
                    String xt = percentDecode(rawValue, false, "xt");
                    if (xt.regionMatches(true, 0, BTIH, 0, BTIH.length())) {
                        v1 = Optional.of(parseBtih(xt.substring(BTIH.length())));
                    } else if (xt.regionMatches(true, 0, BTMH, 0, BTMH.length())) {
                        v2 = Optional.of(parseBtmh(xt.substring(BTMH.length())));
                    }
                    // other xt kinds (ed2k, ...) are not ours to judge
                }
                case "dn" -> dn = Optional.of(percentDecode(rawValue, true, "dn"));
                case "tr" -> {
                    String tr = percentDecode(rawValue, false, "tr");
                    if (!tr.isBlank()) {
                        trackers.add(tr);
                    }
                }
                case "x.pe" -> {
                    String pe = percentDecode(rawValue, false, "x.pe");
                    if (!pe.isBlank()) {
                        peers.add(pe);
                    }
                }
                case "so" -> so = parseSelectOnly(percentDecode(rawValue, false, "so"));
                default -> {
                    // unknown parameters are ignored, as BEP 9 clients do
                }
            }
        }
        if (v1.isEmpty() && v2.isEmpty()) {
            throw new InvalidTorrentException("magnet link has no xt=urn:btih: or xt=urn:btmh: info hash");
        }
        return new MagnetLink(v1, v2, dn, new ArrayList<>(trackers), new ArrayList<>(peers), so);
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

    /** BEP 53: comma-separated indexes and inclusive ranges, e.g. {@code 0,2,4-6}. */
    private static List<IndexRange> parseSelectOnly(String value) {
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
                    throw new InvalidTorrentException("magnet so= has a bad range '" + part + "'");
                }
                out.add(new IndexRange(first, last));
            } catch (NumberFormatException e) {
                throw new InvalidTorrentException("magnet so= has a bad range '" + part + "'");
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
