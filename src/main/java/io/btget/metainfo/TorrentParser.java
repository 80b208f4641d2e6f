package io.btget.metainfo;

import io.btget.bencode.BDict;
import io.btget.bencode.BInt;
import io.btget.bencode.BList;
import io.btget.bencode.BString;
import io.btget.bencode.BValue;
import io.btget.bencode.Bencode;
import io.btget.bencode.BencodeException;
import io.btget.bencode.BencodeLimits;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads a .torrent (BEP 3) into a validated {@link Torrent}: BEP 12 tiers, BEP 19 web seeds, BEP 27 private flag,
 * BEP 47 padding files and the v1 half of BEP 52 hybrid torrents.
 *
 * <p>A required field that is missing or wrong (the info dictionary, name, piece length, pieces, lengths, paths)
 * is an {@link InvalidTorrentException} whose one-line message names the field. An optional field of the wrong
 * shape, or holding junk entries (announce, announce-list, url-list, comment, created by, creation date, private,
 * the {@code .utf-8} alternates, attr, the BEP 52 v2 part of a hybrid) is repaired or ignored: each such decision
 * becomes one line in {@link Torrent#warnings()} and is logged at INFO (seen under {@code -v}). Optional fields
 * btget has no use for (nodes, httpseeds, encoding, publisher, source, md5sum, sha1, piece layers ...) are never
 * read, so no shape of theirs can matter. The README table "Optional fields" lists each decision.
 */
public final class TorrentParser {
    private static final Logger log = LoggerFactory.getLogger(TorrentParser.class);

    /** Larger pieces exist nowhere in practice and would make one piece buffer unreasonably large. */
    public static final int MAX_PIECE_LENGTH = 128 << 20;

    private TorrentParser() {
    }

    /** Parses with the running OS's path rules; see {@link #parse(byte[], PathRules.Platform)}. */
    public static Torrent parse(byte[] torrentFile) {
        return parse(torrentFile, PathRules.Platform.current());
    }

    /**
     * Parses and validates a .torrent's bytes, applying the file-name rules of {@code platform}.
     *
     * @throws InvalidTorrentException when the bytes are not bencode or a required field is missing or wrong
     */
    public static Torrent parse(byte[] torrentFile, PathRules.Platform platform) {
        Warnings warnings = new Warnings();
        BValue root;
        try {
            root = Bencode.decode(torrentFile, BencodeLimits.TORRENT_FILE);
        } catch (BencodeException e) {
            throw new InvalidTorrentException("not a valid .torrent: " + e.getMessage(), e);
        }
        if (!(root instanceof BDict top)) {
            throw new InvalidTorrentException("not a valid .torrent: the top level is " + kind(root)
                    + ", not a dictionary");
        }
        BDict info = dict(top, "info", "info");
        byte[] infoBytes = Arrays.copyOfRange(torrentFile, info.start(), info.end());
        return fromParts(top, info, infoBytes, platform, warnings);
    }

    /**
     * Builds a {@link Torrent} from an info dictionary fetched from peers (BEP 9 metadata exchange) and the trackers
     * and web seeds of the magnet link it came from. The bytes are as untrusted as a .torrent file and go through
     * exactly the same decoder limits ({@link BencodeLimits#TORRENT_FILE}), required-field checks and path rules;
     * the trackers and web seeds go through the same repairs as a .torrent's {@code announce-list} and
     * {@code url-list} (bad URLs dropped with a warning).
     *
     * @param infoBytes    the bencoded info dictionary, exactly as assembled from the metadata pieces
     * @param expected     the magnet's v1 info hash: the SHA-1 of {@code infoBytes} must equal it (BEP 9)
     * @param trackerTiers BEP 12 tiers from the magnet's {@code tr} parameters (one tier each, or any shape)
     * @param webSeeds     BEP 19 URLs from the magnet's {@code ws} parameters
     * @throws InvalidTorrentException when the hash differs, the bytes are not one bencoded dictionary, or a
     *                                 required field is missing or wrong; the same one-line messages as for a .torrent
     */
    public static Torrent fromInfoDictionary(byte[] infoBytes, InfoHash expected, List<List<String>> trackerTiers,
            List<String> webSeeds, PathRules.Platform platform) {
        InfoHash actual = new InfoHash(digest("SHA-1", infoBytes));
        if (!actual.equals(expected)) {
            throw new InvalidTorrentException("metadata does not match the info hash: SHA-1 is " + actual.hex()
                    + ", expected " + expected.hex());
        }
        BValue root;
        try {
            root = Bencode.decode(infoBytes, BencodeLimits.TORRENT_FILE);
        } catch (BencodeException e) {
            throw new InvalidTorrentException("not a valid info dictionary: " + e.getMessage(), e);
        }
        if (!(root instanceof BDict info)) {
            throw new InvalidTorrentException("not a valid info dictionary: it is " + kind(root)
                    + ", not a dictionary");
        }
        // The magnet's trackers and web seeds are read as a .torrent's would be, through the same repairs.
        List<BValue> tiers = new ArrayList<>();
        for (List<String> tier : trackerTiers) {
            tiers.add(new BList(tier.stream().<BValue>map(BString::of).toList()));
        }
        Map<String, BValue> top = new LinkedHashMap<>();
        if (!tiers.isEmpty()) {
            top.put("announce-list", new BList(tiers));
        }
        if (!webSeeds.isEmpty()) {
            top.put("url-list", new BList(webSeeds.stream().<BValue>map(BString::of).toList()));
        }
        return fromParts(new BDict(top), info, infoBytes.clone(), platform, new Warnings());
    }

    /** The checks shared by .torrent files and BEP 9 metadata: {@code top} holds everything outside the info dict. */
    private static Torrent fromParts(BDict top, BDict info, byte[] infoBytes, PathRules.Platform platform,
            Warnings warnings) {
        boolean v2 = info.get("meta version").filter(v -> v instanceof BInt i && i.value() == 2).isPresent();
        if (!info.has("pieces") && (v2 || info.has("file tree"))) {
            throw new InvalidTorrentException("v2-only torrents are not supported");
        }
        String rawName = preferUtf8(info, "name", "info.name", warnings);
        String name = PathRules.sanitiseComponent(rawName, "info.name", platform)
                .orElseThrow(() -> new InvalidTorrentException("info.name is empty or '.'"));

        long pieceLengthValue = integer(info, "piece length", "info.piece length");
        if (pieceLengthValue <= 0) {
            throw new InvalidTorrentException("info.piece length is " + pieceLengthValue + ", must be positive");
        }
        if (pieceLengthValue > MAX_PIECE_LENGTH) {
            throw new InvalidTorrentException("info.piece length is " + pieceLengthValue + ", more than the supported "
                    + MAX_PIECE_LENGTH);
        }
        int pieceLength = (int) pieceLengthValue;
        byte[] pieces = string(info, "pieces", "info.pieces").bytes();
        if (pieces.length % 20 != 0) {
            throw new InvalidTorrentException("info.pieces has " + pieces.length + " bytes, not a multiple of 20");
        }

        boolean multiFile = info.has("files");
        List<FileEntry> files;
        List<RawFile> rawFiles;
        if (multiFile) {
            if (info.has("length")) {
                throw new InvalidTorrentException("info has both 'files' and 'length'");
            }
            rawFiles = multiFileList(info, platform, warnings);
        } else {
            long length = integer(info, "length", "info.length");
            if (length < 0) {
                throw new InvalidTorrentException("info.length is negative");
            }
            rawFiles = List.of(new RawFile(List.of(rawName), List.of(name), length, false));
        }
        files = layOut(rawFiles);
        long total = files.isEmpty() ? 0 : files.get(files.size() - 1).end();
        if (total == 0) {
            throw new InvalidTorrentException("torrent holds no data (total length 0)");
        }
        long expectedPieces = (total + pieceLength - 1) / pieceLength;
        if (expectedPieces != pieces.length / 20) {
            throw new InvalidTorrentException("info.pieces holds " + pieces.length / 20 + " hashes but " + total
                    + " bytes in pieces of " + pieceLength + " need " + expectedPieces);
        }
        checkNoDuplicates(files);
        for (int i = 0; i < files.size(); i++) {
            if (!files.get(i).padding()) {
                PathRules.checkPathLength(multiFile ? name : null, files.get(i).path(),
                        multiFile ? "info.files[" + i + "].path" : "info.name");
            }
        }

        Optional<byte[]> infoHashV2 = Optional.empty();
        if (v2 && hybridAgrees(info, rawFiles, multiFile, rawName, warnings)) {
            infoHashV2 = Optional.of(digest("SHA-256", infoBytes));
        }

        List<List<String>> tiers = trackerTiers(top, warnings);
        List<String> webSeeds = webSeeds(top, "url-list", warnings);
        List<String> httpSeeds = webSeeds(top, "httpseeds", warnings); // BEP 17: same URL rules
        boolean isPrivate = privateFlag(info, warnings);
        Optional<String> comment = optionalText(top, "comment", warnings);
        Optional<String> createdBy = optionalText(top, "created by", warnings);
        Optional<Long> creationDate = creationDate(top, warnings);
        for (String w : warnings.lines) {
            log.info("torrent {}: {}", name, w);
        }
        return new Torrent(name, new InfoHash(digest("SHA-1", infoBytes)), infoHashV2, pieceLength, pieces, files,
                multiFile, tiers, webSeeds, isPrivate, comment, createdBy, creationDate, infoBytes, warnings.lines,
                httpSeeds);
    }

    /** What was repaired or ignored, one line each, in the order found; bounded so junk cannot grow it. */
    private static final class Warnings {
        /** A torrent with thousands of junk entries gets the first lines and a note, not thousands of lines. */
        static final int MAX = 50;
        final List<String> lines = new ArrayList<>();
        private int dropped;

        void add(String line) {
            if (lines.size() < MAX) {
                lines.add(line);
            } else if (dropped++ == 0) {
                lines.add("... more repairs left out");
            }
        }
    }

    /** A file as listed: raw components (for the BEP 52 cross-check) and sanitised ones. */
    private record RawFile(List<String> rawPath, List<String> path, long length, boolean padding) {
    }

    private static List<RawFile> multiFileList(BDict info, PathRules.Platform platform, Warnings warnings) {
        BValue filesValue = info.get("files").orElseThrow();
        if (!(filesValue instanceof BList list)) {
            throw new InvalidTorrentException("info.files is " + kind(filesValue) + ", not a list");
        }
        if (list.items().isEmpty()) {
            throw new InvalidTorrentException("info.files is empty");
        }
        List<RawFile> out = new ArrayList<>(list.items().size());
        for (int i = 0; i < list.items().size(); i++) {
            String where = "info.files[" + i + "]";
            if (!(list.items().get(i) instanceof BDict file)) {
                throw new InvalidTorrentException(where + " is not a dictionary");
            }
            long length = integer(file, "length", where + ".length");
            if (length < 0) {
                throw new InvalidTorrentException(where + ".length is negative");
            }
            boolean padding = attributes(file, where, warnings);
            // path.utf-8 is an optional alternate: used when it is a non-empty list of strings, else path is.
            List<String> utf8 = null;
            if (file.has("path.utf-8")) {
                utf8 = optionalStringList(file.get("path.utf-8").orElseThrow());
                if (utf8 == null) {
                    warnings.add(where + ".path.utf-8 is not a non-empty list of strings: ignored, path used");
                }
            }
            List<String> raw;
            List<String> rawV1;
            String key;
            if (utf8 != null) {
                raw = utf8;
                key = "path.utf-8";
                List<String> v1 = file.get("path").map(TorrentParser::optionalStringList).orElse(null);
                rawV1 = v1 != null ? v1 : utf8;
            } else {
                raw = stringList(file, "path", where + ".path");
                key = "path";
                rawV1 = raw;
            }
            if (raw.isEmpty()) {
                throw new InvalidTorrentException(where + "." + key + " is empty");
            }
            List<String> safe = padding ? padPath(raw, where + "." + key, platform)
                    : PathRules.sanitisePath(raw, where + "." + key, platform);
            out.add(new RawFile(rawV1, safe, length, padding));
        }
        return out;
    }

    /**
     * BEP 47 {@code attr}: 'p' marks a padding file; 'x' and 'h' (executable, hidden) are hints btget does not
     * apply; 'l' (symbolic link) is never created as a link: the entry is written as an ordinary file of its
     * listed length ({@code symlink path} is not read), so a torrent can never make btget create a link. A value
     * that is not a string is ignored.
     *
     * @return whether the file is a padding file
     */
    private static boolean attributes(BDict file, String where, Warnings warnings) {
        BValue attr = file.get("attr").orElse(null);
        if (attr == null) {
            return false;
        }
        if (!(attr instanceof BString s)) {
            warnings.add(where + ".attr is " + kind(attr) + ", not a string: ignored");
            return false;
        }
        String flags = s.text();
        if (flags.indexOf('l') >= 0 && flags.indexOf('p') < 0) {
            warnings.add(where + " is a symbolic link (attr l): written as an ordinary file, never as a link");
        }
        return flags.indexOf('p') >= 0;
    }

    /** A non-empty list of strings, or null when {@code v} is anything else. */
    private static List<String> optionalStringList(BValue v) {
        if (!(v instanceof BList list) || list.items().isEmpty()) {
            return null;
        }
        List<String> out = new ArrayList<>(list.items().size());
        for (BValue item : list.items()) {
            if (!(item instanceof BString s)) {
                return null;
            }
            out.add(s.text());
        }
        return out;
    }

    private static List<FileEntry> layOut(List<RawFile> rawFiles) {
        List<FileEntry> files = new ArrayList<>(rawFiles.size());
        long offset = 0;
        for (int i = 0; i < rawFiles.size(); i++) {
            RawFile f = rawFiles.get(i);
            files.add(new FileEntry(f.path(), f.length(), offset, f.padding()));
            try {
                offset = Math.addExact(offset, f.length());
            } catch (ArithmeticException e) {
                throw new InvalidTorrentException("total length overflows at info.files[" + i + "]");
            }
        }
        return files;
    }

    /**
     * Padding files are never created, but their paths still go through the path rules: a path is joined under
     * the output directory whatever it names (and Storage refuses one that escapes, which would turn a bad torrent
     * into a disk error). One the rules reject becomes ".pad"; duplicates are fine for padding.
     */
    private static List<String> padPath(List<String> path, String where, PathRules.Platform platform) {
        try {
            return PathRules.sanitisePath(path, where, platform);
        } catch (InvalidTorrentException e) {
            return List.of(".pad");
        }
    }

    /**
     * Two files at one path would overwrite each other, and a file at a path that is also a directory of another
     * file cannot exist. Compared exactly (case-sensitively): the output lives on a case-sensitive file system
     * in the usual case, and many real torrents hold "Readme" and "README".
     */
    private static void checkNoDuplicates(List<FileEntry> files) {
        Set<String> filePaths = new HashSet<>();
        Set<String> dirPaths = new HashSet<>();
        for (FileEntry f : files) {
            if (f.padding()) {
                continue;
            }
            String joined = f.displayPath();
            if (!filePaths.add(joined)) {
                throw new InvalidTorrentException("duplicate file path: " + joined);
            }
            StringBuilder prefix = new StringBuilder();
            for (int i = 0; i < f.path().size() - 1; i++) {
                prefix.append(i == 0 ? "" : "/").append(f.path().get(i));
                dirPaths.add(prefix.toString());
            }
        }
        for (String p : filePaths) {
            if (dirPaths.contains(p)) {
                throw new InvalidTorrentException("path is both a file and a directory: " + p);
            }
        }
    }

    /**
     * BEP 52 hybrid: the v2 file tree must describe the same files as the v1 list, or the two swarms differ; such a
     * torrent is refused. btget reads only the v1 part, so a v2 part that is malformed (file tree missing, not a
     * dictionary, empty, a node that is not one, a length that is not an integer, nesting over 64) is ignored with a
     * warning, as Transmission does, and no v2 info hash is claimed for it.
     *
     * @return whether the v2 part is well formed (and agrees)
     */
    private static boolean hybridAgrees(BDict info, List<RawFile> rawFiles, boolean multiFile, String rawName,
            Warnings warnings) {
        Map<String, Long> v2Files = new TreeMap<>();
        try {
            BDict tree = dict(info, "file tree", "info.file tree");
            collectTree(tree, "", v2Files, 0);
            if (v2Files.isEmpty()) {
                throw new InvalidTorrentException("info.file tree lists no file");
            }
        } catch (InvalidTorrentException e) {
            warnings.add("meta version 2 but the v2 part is unusable (" + e.getMessage() + "): read as a v1 torrent");
            return false;
        }
        Map<String, Long> v1Files = new TreeMap<>();
        for (RawFile f : rawFiles) {
            if (!f.padding()) {
                String p = multiFile ? String.join("/", f.rawPath()) : rawName;
                v1Files.put(p, f.length());
            }
        }
        if (!v1Files.equals(v2Files)) {
            throw new InvalidTorrentException("hybrid torrent: the v1 file list and the v2 file tree disagree");
        }
        return true;
    }

    private static void collectTree(BDict node, String prefix, Map<String, Long> out, int depth) {
        if (depth > 64) {
            throw new InvalidTorrentException("info.file tree is nested too deeply");
        }
        for (Map.Entry<String, BValue> e : node.entries().entrySet()) {
            String name = new String(e.getKey().getBytes(StandardCharsets.ISO_8859_1), StandardCharsets.UTF_8);
            if (!(e.getValue() instanceof BDict child)) {
                throw new InvalidTorrentException("info.file tree entry '" + prefix + name + "' is not a dictionary");
            }
            if (name.isEmpty()) {
                long length = integer(child, "length", "info.file tree entry '" + prefix + "' length");
                out.put(prefix.isEmpty() ? "" : prefix.substring(0, prefix.length() - 1), length);
            } else {
                collectTree(child, prefix + name + "/", out, depth + 1);
            }
        }
    }

    /**
     * BEP 12 tiers from {@code announce-list}, else BEP 3 {@code announce}. Repairs: a list that is not one is
     * ignored; URLs standing where tiers should be (a "flat" list) form one tier per run of such URLs, as
     * Transmission reads them (libtorrent and aria2 skip them); entries that are not strings, and URLs btget cannot
     * announce to ({@link #trackerProblem}), are dropped; a URL already listed is dropped. When the list had to be
     * repaired, a usable {@code announce} missing from it becomes the first tier (libtorrent announces to it then).
     */
    private static List<List<String>> trackerTiers(BDict top, Warnings warnings) {
        List<List<String>> tiers = new ArrayList<>();
        Set<String> seen = new HashSet<>();
        boolean repaired = false;
        BValue listValue = top.get("announce-list").orElse(null);
        if (listValue != null && !(listValue instanceof BList)) {
            warnings.add("announce-list is " + kind(listValue) + ", not a list: ignored");
            repaired = true;
        }
        if (listValue instanceof BList list) {
            boolean flatNoted = false;
            LinkedHashSet<String> loose = new LinkedHashSet<>();
            for (int i = 0; i < list.items().size(); i++) {
                BValue item = list.items().get(i);
                String where = "announce-list[" + i + "]";
                if (item instanceof BString url) {
                    if (!flatNoted) {
                        warnings.add("announce-list holds URLs where tiers (lists) belong: each run of such URLs"
                                + " is read as one tier");
                        flatNoted = true;
                    }
                    repaired = true;
                    addTracker(url.text(), where, loose, seen, warnings);
                    continue;
                }
                addTier(tiers, loose);
                if (!(item instanceof BList tierList)) {
                    warnings.add(where + " is " + kind(item) + ", not a list: ignored");
                    repaired = true;
                    continue;
                }
                LinkedHashSet<String> tier = new LinkedHashSet<>();
                for (int j = 0; j < tierList.items().size(); j++) {
                    BValue entry = tierList.items().get(j);
                    if (entry instanceof BString url) {
                        addTracker(url.text(), where + "[" + j + "]", tier, seen, warnings);
                    } else {
                        warnings.add(where + "[" + j + "] is " + kind(entry) + ", not a string: ignored");
                    }
                }
                addTier(tiers, tier);
            }
            addTier(tiers, loose);
        }
        // BEP 12: when announce-list is present (and usable) announce is ignored.
        if (tiers.isEmpty() || repaired) {
            BValue announce = top.get("announce").orElse(null);
            if (announce instanceof BString url) {
                LinkedHashSet<String> tier = new LinkedHashSet<>();
                addTracker(url.text(), "announce", tier, seen, warnings);
                if (!tier.isEmpty()) {
                    tiers.add(0, List.copyOf(tier));
                }
            } else if (announce != null) {
                warnings.add("announce is " + kind(announce) + ", not a string: ignored");
            }
        }
        return tiers;
    }

    private static void addTier(List<List<String>> tiers, LinkedHashSet<String> tier) {
        if (!tier.isEmpty()) {
            tiers.add(List.copyOf(tier));
            tier.clear();
        }
    }

    private static void addTracker(String raw, String where, Set<String> tier, Set<String> seen, Warnings warnings) {
        String url = raw.strip();
        if (url.isEmpty()) {
            return;
        }
        String problem = trackerProblem(url);
        if (problem != null) {
            warnings.add(where + " " + problem + ": ignored");
        } else if (seen.add(url)) {
            tier.add(url);
        }
    }

    /**
     * Why btget cannot announce to {@code url}, or null when it can: an http, https (BEP 3) or udp (BEP 15) URL
     * with a host and no space or control character (which could split an HTTP request line).
     */
    static String trackerProblem(String url) {
        String scheme = scheme(url);
        if (scheme == null || !(scheme.equals("http") || scheme.equals("https") || scheme.equals("udp"))) {
            return "'" + printable(url) + "' is not an http, https or udp URL";
        }
        return urlProblem(url, scheme);
    }

    /**
     * BEP 19 {@code url-list}: one string or a list of strings. Only http and https URLs are kept: a web seed of
     * any other scheme (file:, ftp:, data:) would make a client read what the torrent's author chose from somewhere
     * else, so it is dropped, as are entries that are not strings and duplicates. (BEP 17 {@code httpseeds} is
     * not read.)
     */
    private static List<String> webSeeds(BDict top, String key, Warnings warnings) {
        BValue value = top.get(key).orElse(null);
        List<BValue> items;
        if (value == null) {
            return List.of();
        } else if (value instanceof BString s) {
            items = List.of(s);
        } else if (value instanceof BList l) {
            items = l.items();
        } else {
            warnings.add(key + " is " + kind(value) + ", not a string or list: ignored");
            return List.of();
        }
        LinkedHashSet<String> out = new LinkedHashSet<>();
        for (int i = 0; i < items.size(); i++) {
            String where = value instanceof BList ? key + "[" + i + "]" : key;
            if (!(items.get(i) instanceof BString s)) {
                warnings.add(where + " is " + kind(items.get(i)) + ", not a string: ignored");
                continue;
            }
            String url = s.text().strip();
            if (url.isEmpty()) {
                continue;
            }
            String problem = webSeedProblem(url);
            if (problem != null) {
                warnings.add(where + " " + problem + ": ignored");
            } else {
                out.add(url);
            }
        }
        return List.copyOf(out);
    }

    /**
     * Why {@code url} cannot be a BEP 19 web seed (only http and https: see {@code webSeeds}), or null when it can;
     * also used for a magnet's {@code ws}.
     */
    static String webSeedProblem(String url) {
        String scheme = scheme(url);
        return scheme == null || !(scheme.equals("http") || scheme.equals("https"))
                ? "'" + printable(url) + "' is not an http or https URL" : urlProblem(url, scheme);
    }

    /** The lower-case scheme of {@code url} ("scheme://..."), or null when it has none. */
    private static String scheme(String url) {
        int colon = url.indexOf("://");
        if (colon <= 0) {
            return null;
        }
        String scheme = url.substring(0, colon).toLowerCase(Locale.ROOT);
        return scheme.chars().allMatch(c -> c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '+' || c == '-'
                || c == '.') ? scheme : null;
    }

    private static String urlProblem(String url, String scheme) {
        for (int i = 0; i < url.length(); i++) {
            char c = url.charAt(i);
            if (c <= 0x20 || c >= 0x7f && c <= 0x9f) {
                return "'" + printable(url) + "' holds a space or control character";
            }
        }
        String rest = url.substring(scheme.length() + 3);
        int end = rest.length();
        for (char stop : new char[] {'/', '?', '#'}) {
            int at = rest.indexOf(stop);
            if (at >= 0) {
                end = Math.min(end, at);
            }
        }
        String authority = rest.substring(0, end);
        String host = authority.substring(authority.lastIndexOf('@') + 1);
        if (host.isEmpty() || host.startsWith(":")) {
            return "'" + printable(url) + "' has no host";
        }
        // The port, if any, follows the host ("[v6]:port" for IPv6): a number outside 1..65535 can never be
        // announced to; a UDP tracker has no default port (BEP 15), so it needs one.
        int close = host.startsWith("[") ? host.indexOf(']') : -1;
        int colon = close >= 0 ? (host.startsWith(":", close + 1) ? close + 1 : -1) : host.lastIndexOf(':');
        String port = colon < 0 ? "" : host.substring(colon + 1);
        if (!port.isEmpty()) {
            long number = port.length() > 6 || !port.chars().allMatch(Character::isDigit) ? -1 : Long.parseLong(port);
            if (number < 1 || number > 65535) {
                return "'" + printable(url) + "' has a port outside 1..65535";
            }
        } else if (scheme.equals("udp")) {
            return "'" + printable(url) + "' has no port (a UDP tracker needs one)";
        }
        return null;
    }

    /** A URL as shown in a warning: one line, at most 200 characters. */
    private static String printable(String s) {
        String line = s.replaceAll("[\\p{Cntrl}\\x{80}-\\x{9f}]", "?");
        return line.length() > 200 ? line.substring(0, 200) + "..." : line;
    }

    /**
     * BEP 27: {@code private} in the info dictionary. As in libtorrent and Transmission, any integer but 0 means
     * private (a value other than 1 is noted); a value of another type is ignored (public), as they do.
     */
    private static boolean privateFlag(BDict info, Warnings warnings) {
        BValue v = info.get("private").orElse(null);
        if (v == null) {
            return false;
        }
        if (v instanceof BInt i) {
            if (i.value() != 0 && i.value() != 1) {
                warnings.add("info.private is " + i.value() + ", not 0 or 1: read as private");
            }
            return i.value() != 0;
        }
        warnings.add("info.private is " + kind(v) + ", not an integer: ignored (public)");
        return false;
    }

    /** {@code key.utf-8} when it is a string, else {@code key} when it is one; other shapes are ignored. */
    private static Optional<String> optionalText(BDict d, String key, Warnings warnings) {
        BValue utf8 = d.get(key + ".utf-8").orElse(null);
        if (utf8 != null && !(utf8 instanceof BString)) {
            warnings.add(key + ".utf-8 is " + kind(utf8) + ", not a string: ignored");
        }
        BValue v = d.get(key).orElse(null);
        if (v != null && !(v instanceof BString)) {
            warnings.add(key + " is " + kind(v) + ", not a string: ignored");
        }
        if (utf8 instanceof BString s) {
            return Optional.of(s.text());
        }
        return v instanceof BString s ? Optional.of(s.text()) : Optional.empty();
    }

    /** Seconds since 1970; a negative value or one of another type is ignored, as libtorrent does. */
    private static Optional<Long> creationDate(BDict top, Warnings warnings) {
        BValue v = top.get("creation date").orElse(null);
        if (v == null) {
            return Optional.empty();
        }
        if (v instanceof BInt i && i.value() >= 0) {
            return Optional.of(i.value());
        }
        warnings.add("creation date is " + (v instanceof BInt i ? Long.toString(i.value()) : kind(v))
                + ", not a time: ignored");
        return Optional.empty();
    }

    private static String preferUtf8(BDict d, String key, String where, Warnings warnings) {
        BValue utf8 = d.get(key + ".utf-8").orElse(null);
        if (utf8 instanceof BString s) {
            return s.text();
        }
        if (utf8 != null) {
            warnings.add(where + ".utf-8 is " + kind(utf8) + ", not a string: ignored, " + key + " used");
        }
        return string(d, key, where).text();
    }

    /** "an integer", "a string", "a list", "a dictionary": for messages that read as English. */
    static String kind(BValue v) {
        String type = v.typeName();
        return (type.startsWith("i") ? "an " : "a ") + type;
    }

    private static BValue required(BDict d, String key, String where) {
        return d.get(key).orElseThrow(() -> new InvalidTorrentException(where + " is missing"));
    }

    private static BDict dict(BDict d, String key, String where) {
        BValue v = required(d, key, where);
        if (v instanceof BDict r) {
            return r;
        }
        throw new InvalidTorrentException(where + " is " + kind(v) + ", not a dictionary");
    }

    private static BString string(BDict d, String key, String where) {
        BValue v = required(d, key, where);
        if (v instanceof BString r) {
            return r;
        }
        throw new InvalidTorrentException(where + " is " + kind(v) + ", not a string");
    }

    private static long integer(BDict d, String key, String where) {
        BValue v = required(d, key, where);
        if (v instanceof BInt r) {
            return r.value();
        }
        throw new InvalidTorrentException(where + " is " + kind(v) + ", not an integer");
    }

    private static List<String> stringList(BDict d, String key, String where) {
        BValue v = required(d, key, where);
        if (!(v instanceof BList list)) {
            throw new InvalidTorrentException(where + " is " + kind(v) + ", not a list");
        }
        List<String> out = new ArrayList<>(list.items().size());
        for (int i = 0; i < list.items().size(); i++) {
            if (!(list.items().get(i) instanceof BString s)) {
                throw new InvalidTorrentException(where + "[" + i + "] is not a string");
            }
            out.add(s.text());
        }
        return out;
    }

    static byte[] digest(String algorithm, byte[] data) {
        try {
            return MessageDigest.getInstance(algorithm).digest(data);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(algorithm + " is missing from this JDK", e);
        }
    }
}
