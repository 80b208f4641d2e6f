package io.btget.metainfo;

import io.btget.bencode.BDict;
import io.btget.bencode.BInt;
import io.btget.bencode.BList;
import io.btget.bencode.BString;
import io.btget.bencode.BValue;
import io.btget.bencode.Bencode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileVisitOption;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * Creates a v1 .torrent from a file or a directory, byte-for-byte the same info dictionary as mktorrent 1.1 makes
 * for the same data, piece length and name (so the same info hash):
 * <ul>
 *   <li>every regular file under the directory, hidden ones included, symbolic links followed; empty files
 *       included; directories with no files leave no trace;</li>
 *   <li>files ordered by their '/'-joined relative path compared as UTF-8 bytes (what mktorrent's strcmp does);</li>
 *   <li>{@code private=1} only when private; {@code announce} = the first tracker, {@code announce-list} only when
 *       there is more than one tracker; {@code url-list} a string for one web seed, a list for several.</li>
 * </ul>
 */
public final class TorrentBuilder {
    public static final int MIN_AUTO_PIECE_LENGTH = 16 << 10;
    public static final int MAX_AUTO_PIECE_LENGTH = 16 << 20;
    /** Auto piece size aims for at most this many pieces (between half of it and it, unless clamped). */
    public static final int TARGET_MAX_PIECES = 2000;

    private final Path root;
    private List<List<String>> trackerTiers = List.of();
    private List<String> webSeeds = List.of();
    private Optional<Integer> pieceLength = Optional.empty();
    private boolean isPrivate;
    private Optional<String> comment = Optional.empty();
    private Optional<String> createdBy = Optional.empty();
    private Optional<Long> creationDate = Optional.empty();
    private Optional<String> name = Optional.empty();
    private int threads = Runtime.getRuntime().availableProcessors();

    public TorrentBuilder(Path root) {
        this.root = root;
    }

    /** Told how far hashing got; called from hashing threads, so implementations must be thread-safe. */
    @FunctionalInterface
    public interface Progress {
        void hashed(long bytesDone, long bytesTotal);
    }

    /** The result: the .torrent bytes, and the same parsed back. */
    public record Result(byte[] torrentFile, Torrent torrent) {
    }

    public TorrentBuilder trackerTiers(List<List<String>> tiers) {
        this.trackerTiers = tiers.stream().map(List::copyOf).filter(t -> !t.isEmpty()).toList();
        return this;
    }

    public TorrentBuilder webSeeds(List<String> urls) {
        this.webSeeds = List.copyOf(urls);
        return this;
    }

    /** A fixed piece length; empty means {@link #autoPieceLength(long)}. */
    public TorrentBuilder pieceLength(Optional<Integer> length) {
        length.ifPresent(l -> {
            if (l <= 0 || l > TorrentParser.MAX_PIECE_LENGTH) {
                throw new IllegalArgumentException("piece length must be between 1 and "
                        + TorrentParser.MAX_PIECE_LENGTH + ", got " + l);
            }
        });
        this.pieceLength = length;
        return this;
    }

    public TorrentBuilder isPrivate(boolean value) {
        this.isPrivate = value;
        return this;
    }

    public TorrentBuilder comment(Optional<String> value) {
        this.comment = value;
        return this;
    }

    public TorrentBuilder createdBy(Optional<String> value) {
        this.createdBy = value;
        return this;
    }

    /** Seconds since the epoch; empty leaves {@code creation date} out. */
    public TorrentBuilder creationDate(Optional<Long> value) {
        this.creationDate = value;
        return this;
    }

    /** Overrides the name (default: the file or directory's own name). */
    public TorrentBuilder name(Optional<String> value) {
        this.name = value;
        return this;
    }

    public TorrentBuilder threads(int value) {
        this.threads = Math.max(1, value);
        return this;
    }

    /**
     * The smallest power of two between 16 KiB and 16 MiB that keeps the piece count at or under
     * {@value #TARGET_MAX_PIECES}: 1000-2000 pieces for anything from 32 MiB to 32 GiB.
     */
    public static int autoPieceLength(long totalLength) {
        int length = MIN_AUTO_PIECE_LENGTH;
        while (length < MAX_AUTO_PIECE_LENGTH && (totalLength + length - 1) / length > TARGET_MAX_PIECES) {
            length <<= 1;
        }
        return length;
    }

    /** One file found under the root: its relative path components and where it is. */
    record Listed(List<String> path, Path file, long length) {
    }

    /** The files that will go into the torrent, in torrent order. */
    List<Listed> listFiles() throws IOException {
        if (!Files.exists(root)) {
            throw new NoSuchFileException(root.toString());
        }
        if (Files.isRegularFile(root)) {
            return List.of(new Listed(List.of(fileName(root)), root, Files.size(root)));
        }
        if (!Files.isDirectory(root)) {
            throw new IOException(root + " is neither a regular file nor a directory");
        }
        List<Listed> files = new ArrayList<>();
        try (Stream<Path> walk = Files.walk(root, FileVisitOption.FOLLOW_LINKS)) {
            walk.forEach(p -> {
                try {
                    if (!Files.isRegularFile(p)) {
                        if (Files.isSymbolicLink(p) && !Files.exists(p)) {
                            throw new IOException("broken symbolic link: " + p + " -> " + Files.readSymbolicLink(p));
                        }
                        return;
                    }
                    List<String> components = new ArrayList<>();
                    for (Path c : root.relativize(p)) {
                        components.add(exactName(c, p));
                    }
                    files.add(new Listed(components, p, Files.size(p)));
                } catch (IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            });
        } catch (java.io.UncheckedIOException e) {
            if (e.getCause() instanceof java.nio.file.FileSystemLoopException loop) {
                throw new IOException("symbolic link loop: " + loop.getFile() + " leads back to a folder above it", loop);
            }
            throw e.getCause();
        }
        // each file's key made once, not twice per comparison (n log n joins: a quarter of a second for 20 000 files)
        Map<Listed, byte[]> keys = new java.util.IdentityHashMap<>(files.size() * 2);
        for (Listed f : files) {
            keys.put(f, joined(f));
        }
        files.sort((a, b) -> Arrays.compareUnsigned(keys.get(a), keys.get(b)));
        if (files.isEmpty()) {
            throw new IllegalArgumentException("no files under " + root);
        }
        return files;
    }

    private static byte[] joined(Listed l) {
        return String.join("/", l.path()).getBytes(StandardCharsets.UTF_8);
    }

    private static String fileName(Path p) {
        Path abs = p.toAbsolutePath().normalize();
        Path fn = abs.getFileName();
        if (fn == null) {
            throw new IllegalArgumentException("cannot name a torrent after " + p);
        }
        try {
            return exactName(fn, abs);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /**
     * The text of one file-name component, when it stands for exactly the bytes on disk as UTF-8 (BEP 3 names are
     * UTF-8). The JDK decodes names with {@code sun.jnu.encoding}: a name that is not valid UTF-8 on disk, or any
     * non-ASCII name under a locale whose encoding is not UTF-8, would come out as other bytes (U+FFFD, '?', Latin-1
     * read as UTF-8) and give the torrent names, and an info hash, that do not match the data. mktorrent 1.1 copies
     * such bytes into the torrent unchecked; we refuse instead.
     *
     * @throws IOException naming the file (exit code 5)
     */
    static String exactName(Path component, Path where) throws IOException {
        String text = component.toString();
        boolean ascii = text.chars().allMatch(ch -> ch < 0x80);
        if (ascii) {
            return portableName(text, where);
        }
        String jnu = System.getProperty("sun.jnu.encoding", "");
        if (!jnu.equalsIgnoreCase("UTF-8") && !jnu.equalsIgnoreCase("UTF8")) {
            throw new IOException("cannot read the name of " + where + " exactly: the file-name encoding of this locale is "
                    + jnu + ", not UTF-8 (run btget under a UTF-8 locale, e.g. LC_ALL=C.UTF-8)");
        }
        boolean same;
        try {
            same = component.getFileSystem().getPath(text).equals(component);
        } catch (java.nio.file.InvalidPathException e) {
            same = false;
        }
        if (!same) {
            throw new IOException("file name is not valid UTF-8: " + where + " (a torrent names its files in UTF-8;"
                    + " rename the file or leave it out)");
        }
        return portableName(text, where);
    }

    /**
     * {@code text} when every client reading the torrent keeps it as it is: {@link PathRules} (which the parser, so
     * {@code verify}, {@code seed} and {@code download}, applies to every name) must leave it unchanged. A name it
     * would rewrite (a control character becomes '_', a name over 255 bytes is cut, and on Windows the names that
     * system refuses) would be looked for under another name than the data's: reported MISSING by btget itself,
     * and by libtorrent, which replaces control characters too. Refused like a name that is not UTF-8.
     *
     * @throws IOException naming the file, escaped (exit code 5)
     */
    static String portableName(String text, Path where) throws IOException {
        Optional<String> kept;
        try {
            kept = PathRules.sanitiseComponent(text, "name");
        } catch (InvalidTorrentException e) {
            kept = Optional.empty();
        }
        if (kept.isPresent() && kept.get().equals(text)) {
            return text;
        }
        String shown = PathRules.escaped(where.toString());
        if (text.chars().anyMatch(c -> PathRules.isControl((char) c))) {
            throw new IOException("file name holds a control character: " + shown + " (a torrent client would"
                    + " rename it, and not find the data; rename the file or leave it out)");
        }
        if (PathRules.utf8Length(text) > PathRules.MAX_COMPONENT_BYTES) {
            throw new IOException("file name is over " + PathRules.MAX_COMPONENT_BYTES + " bytes of UTF-8: " + shown
                    + " (a torrent client would shorten it, and not find the data; rename the file or leave it out)");
        }
        throw new IOException("file name cannot be kept on this system: " + shown + " (a torrent client would rename"
                + " it, and not find the data; rename the file or leave it out)");
    }

    /**
     * Hashes the data and builds the .torrent.
     *
     * @throws IllegalArgumentException when there is nothing to share (no files, or only empty ones)
     * @throws java.nio.file.NoSuchFileException when the root does not exist
     */
    public Result build(Progress progress) throws IOException, InterruptedException {
        List<Listed> files = listFiles();
        long total = 0;
        for (Listed f : files) {
            total = Math.addExact(total, f.length());
        }
        if (total == 0) {
            throw new IllegalArgumentException("nothing to share: " + root + " holds only empty files");
        }
        long totalBytes = total;
        int piece = pieceLength.isPresent() ? pieceLength.get() : autoPieceLength(total);
        byte[] hashes = PieceHasher.hash(files.stream().map(f -> new PieceHasher.Source(f.file(), f.length())).toList(),
                piece, threads, done -> progress.hashed(done, totalBytes));

        Map<String, BValue> info = new LinkedHashMap<>();
        boolean single = Files.isRegularFile(root);
        if (single) {
            info.put("length", new BInt(total));
        } else {
            List<BValue> list = new ArrayList<>();
            for (Listed f : files) {
                Map<String, BValue> entry = new LinkedHashMap<>();
                entry.put("length", new BInt(f.length()));
                entry.put("path", new BList(f.path().stream().<BValue>map(BString::of).toList()));
                list.add(new BDict(entry));
            }
            info.put("files", new BList(list));
        }
        info.put("name", BString.of(name.orElseGet(() -> fileName(root))));
        info.put("piece length", new BInt(piece));
        info.put("pieces", new BString(hashes));
        if (isPrivate) {
            info.put("private", new BInt(1));
        }

        Map<String, BValue> top = new LinkedHashMap<>();
        List<String> allTrackers = trackerTiers.stream().flatMap(List::stream).toList();
        if (!allTrackers.isEmpty()) {
            top.put("announce", BString.of(allTrackers.get(0)));
        }
        if (allTrackers.size() > 1) {
            top.put("announce-list", new BList(trackerTiers.stream()
                    .<BValue>map(t -> new BList(t.stream().<BValue>map(BString::of).toList())).toList()));
        }
        comment.ifPresent(c -> top.put("comment", BString.of(c)));
        createdBy.ifPresent(c -> top.put("created by", BString.of(c)));
        creationDate.ifPresent(d -> top.put("creation date", new BInt(d)));
        top.put("info", new BDict(info));
        if (webSeeds.size() == 1) {
            top.put("url-list", BString.of(webSeeds.get(0)));
        } else if (webSeeds.size() > 1) {
            top.put("url-list", new BList(webSeeds.stream().<BValue>map(BString::of).toList()));
        }
        byte[] bytes = Bencode.encode(new BDict(top));
        return new Result(bytes, Torrent.parse(bytes));
    }
}
