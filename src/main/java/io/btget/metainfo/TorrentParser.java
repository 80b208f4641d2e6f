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
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;

/**
 * Reads a .torrent (BEP 3) into a validated {@link Torrent}: BEP 12 tiers, BEP 19 web seeds, BEP 27 private flag,
 * BEP 47 padding files and the v1 half of BEP 52 hybrid torrents. Every failure is an {@link InvalidTorrentException}
 * whose one-line message names the field.
 */
public final class TorrentParser {
    /** Larger pieces exist nowhere in practice and would make one piece buffer unreasonably large. */
    public static final int MAX_PIECE_LENGTH = 128 << 20;

    private TorrentParser() {
    }

    public static Torrent parse(byte[] torrentFile) {
        BValue root;
        try {
            root = Bencode.decode(torrentFile, BencodeLimits.TORRENT_FILE);
        } catch (BencodeException e) {
            throw new InvalidTorrentException("not a valid .torrent: " + e.getMessage(), e);
        }
        if (!(root instanceof BDict top)) {
            throw new InvalidTorrentException("not a valid .torrent: the top level is a " + root.typeName()
                    + ", not a dictionary");
        }
        BDict info = dict(top, "info", "info");
        byte[] infoBytes = Arrays.copyOfRange(torrentFile, info.start(), info.end());

        boolean v2 = info.get("meta version").filter(v -> v instanceof BInt i && i.value() == 2).isPresent();
        if (!info.has("pieces") && (v2 || info.has("file tree"))) {
            throw new InvalidTorrentException("v2-only torrents are not supported");
        }
        String rawName = preferUtf8(info, "name", "info.name");
        String name = PathRules.sanitiseComponent(rawName, "info.name")
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
            rawFiles = multiFileList(info);
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
        if (v2) {
            checkHybridAgrees(info, rawFiles, multiFile, rawName);
            infoHashV2 = Optional.of(digest("SHA-256", infoBytes));
        }

        return new Torrent(name, new InfoHash(digest("SHA-1", infoBytes)), infoHashV2, pieceLength, pieces, files,
                multiFile, trackerTiers(top), webSeeds(top), privateFlag(info),
                optionalText(top, "comment"), optionalText(top, "created by"), optionalInteger(top, "creation date"),
                infoBytes);
    }

    /** A file as listed: raw components (for the BEP 52 cross-check) and sanitised ones. */
    private record RawFile(List<String> rawPath, List<String> path, long length, boolean padding) {
    }

    private static List<RawFile> multiFileList(BDict info) {
        BValue filesValue = info.get("files").orElseThrow();
        if (!(filesValue instanceof BList list)) {
            throw new InvalidTorrentException("info.files is a " + filesValue.typeName() + ", not a list");
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
            // BEP 47: attr holds 'p' for a padding file.
            boolean padding = file.get("attr").filter(a -> a instanceof BString s && s.text().contains("p")).isPresent();
            String key = file.has("path.utf-8") ? "path.utf-8" : "path";
            List<String> raw = stringList(file, key, where + "." + key);
            if (raw.isEmpty()) {
                throw new InvalidTorrentException(where + "." + key + " is empty");
            }
            List<String> rawV1 = key.equals("path") ? raw : stringList(file, "path", where + ".path");
            List<String> safe = padding ? padPath(raw, where + "." + key) : PathRules.sanitisePath(raw, where + "." + key);
            out.add(new RawFile(rawV1, safe, length, padding));
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
    private static List<String> padPath(List<String> path, String where) {
        try {
            return PathRules.sanitisePath(path, where);
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

    /** BEP 52 hybrid: the v2 file tree must describe the same files as the v1 list, or the two swarms differ. */
    private static void checkHybridAgrees(BDict info, List<RawFile> rawFiles, boolean multiFile, String rawName) {
        BDict tree = dict(info, "file tree", "info.file tree");
        Map<String, Long> v2Files = new TreeMap<>();
        collectTree(tree, "", v2Files, 0);
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

    private static List<List<String>> trackerTiers(BDict top) {
        List<List<String>> tiers = new ArrayList<>();
        Set<String> seen = new HashSet<>();
        if (top.has("announce-list") && !(top.get("announce-list").orElseThrow() instanceof BList)) {
            throw new InvalidTorrentException("announce-list is a " + top.get("announce-list").orElseThrow().typeName()
                    + ", not a list");
        }
        if (top.get("announce-list").orElse(null) instanceof BList list) {
            for (int i = 0; i < list.items().size(); i++) {
                if (!(list.items().get(i) instanceof BList tierList)) {
                    throw new InvalidTorrentException("announce-list[" + i + "] is not a list");
                }
                LinkedHashSet<String> tier = new LinkedHashSet<>();
                for (int j = 0; j < tierList.items().size(); j++) {
                    if (!(tierList.items().get(j) instanceof BString url)) {
                        throw new InvalidTorrentException("announce-list[" + i + "][" + j + "] is not a string");
                    }
                    String u = url.text().trim();
                    if (!u.isEmpty() && seen.add(u)) {
                        tier.add(u);
                    }
                }
                if (!tier.isEmpty()) {
                    tiers.add(List.copyOf(tier));
                }
            }
        }
        // BEP 12: when announce-list is present (and usable) announce is ignored.
        if (tiers.isEmpty() && top.has("announce")) {
            String url = string(top, "announce", "announce").text().trim();
            if (!url.isEmpty()) {
                tiers.add(List.of(url));
            }
        }
        return tiers;
    }

    /** BEP 19: url-list is either one string or a list of strings. */
    private static List<String> webSeeds(BDict top) {
        BValue value = top.get("url-list").orElse(null);
        List<String> out = new ArrayList<>();
        if (value instanceof BString s) {
            out.add(s.text());
        } else if (value instanceof BList l) {
            for (int i = 0; i < l.items().size(); i++) {
                if (!(l.items().get(i) instanceof BString s)) {
                    throw new InvalidTorrentException("url-list[" + i + "] is not a string");
                }
                out.add(s.text());
            }
        } else if (value != null) {
            throw new InvalidTorrentException("url-list is a " + value.typeName() + ", not a string or list");
        }
        return out.stream().map(String::trim).filter(s -> !s.isEmpty()).distinct().toList();
    }

    /** BEP 27: private=1 in the info dictionary; any other value means public. */
    private static boolean privateFlag(BDict info) {
        return info.get("private").filter(v -> v instanceof BInt i && i.value() == 1).isPresent();
    }

    private static Optional<String> optionalText(BDict d, String key) {
        BValue v = d.get(key + ".utf-8").filter(x -> x instanceof BString).orElse(d.get(key).orElse(null));
        return v instanceof BString s ? Optional.of(s.text()) : Optional.empty();
    }

    private static Optional<Long> optionalInteger(BDict d, String key) {
        return d.get(key).filter(v -> v instanceof BInt).map(v -> ((BInt) v).value());
    }

    private static String preferUtf8(BDict d, String key, String where) {
        if (d.get(key + ".utf-8").orElse(null) instanceof BString s) {
            return s.text();
        }
        return string(d, key, where).text();
    }

    private static BValue required(BDict d, String key, String where) {
        return d.get(key).orElseThrow(() -> new InvalidTorrentException(where + " is missing"));
    }

    private static BDict dict(BDict d, String key, String where) {
        BValue v = required(d, key, where);
        if (v instanceof BDict r) {
            return r;
        }
        throw new InvalidTorrentException(where + " is a " + v.typeName() + ", not a dictionary");
    }

    private static BString string(BDict d, String key, String where) {
        BValue v = required(d, key, where);
        if (v instanceof BString r) {
            return r;
        }
        throw new InvalidTorrentException(where + " is a " + v.typeName() + ", not a string");
    }

    private static long integer(BDict d, String key, String where) {
        BValue v = required(d, key, where);
        if (v instanceof BInt r) {
            return r.value();
        }
        throw new InvalidTorrentException(where + " is a " + v.typeName() + ", not an integer");
    }

    private static List<String> stringList(BDict d, String key, String where) {
        BValue v = required(d, key, where);
        if (!(v instanceof BList list)) {
            throw new InvalidTorrentException(where + " is a " + v.typeName() + ", not a list");
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
