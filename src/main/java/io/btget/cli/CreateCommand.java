package io.btget.cli;

import io.btget.metainfo.PathRules;
import io.btget.metainfo.TorrentBuilder;
import io.btget.metainfo.TorrentParser;
import java.io.IOException;
import io.btget.cli.progress.ProgressView;
import io.btget.cli.progress.ProgressViews;
import java.io.PrintWriter;
import java.util.LinkedHashMap;
import java.util.Map;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code btget create PATH -t URL ...}: hashes a file or directory into a v1 .torrent (same info hash as mktorrent). */
@Command(name = "create", mixinStandardHelpOptions = true,
        description = {"Create a .torrent from a file or a directory.",
            "Files are ordered by path (byte order), hidden files included, like mktorrent."})
public final class CreateCommand implements Runnable {
    @Spec
    CommandSpec spec;

    // -v/-q/--log-file come from BtgetCommand's LoggingOptions (inherited scope); mixing them in again here
    // would declare them twice.

    @Parameters(index = "0", paramLabel = "PATH", description = "The file or directory to share.")
    Path path;

    @Option(names = {"-t", "--tracker"}, paramLabel = "URL[,URL...]",
            description = "Announce URL. Each -t starts a new tier (BEP 12); comma-separated URLs share a tier.")
    List<String> trackers = new ArrayList<>();

    @Option(names = {"-o", "--output"}, paramLabel = "FILE", description = "Where to write (default: NAME.torrent).")
    Path output;

    @Option(names = "--force", description = "Overwrite the output file if it exists.")
    boolean force;

    @Option(names = {"-l", "--piece-size"}, paramLabel = "SIZE|auto", defaultValue = "auto",
            description = "Piece size: a power of two from 16K to 128M (e.g. 262144, 256K, 4M), or auto "
                    + "(the smallest power of two from 16K to 16M giving at most 2000 pieces). Default: ${DEFAULT-VALUE}.")
    String pieceSize;

    // No -p: everywhere else in btget -p is --port (mktorrent and transmission-create use -p for private).
    @Option(names = "--private", description = "Set the private flag (BEP 27): trackers only, no DHT/PEX.")
    boolean isPrivate;

    @Option(names = {"-c", "--comment"}, paramLabel = "TEXT", description = "A comment stored in the torrent.")
    String comment;

    @Option(names = {"-w", "--web-seed"}, paramLabel = "URL", description = "A web seed URL (BEP 19); repeatable.")
    List<String> webSeeds = new ArrayList<>();

    // No -d: everywhere else in btget -d is --dir (mktorrent uses -d for no date).
    @Option(names = "--no-date", description = "Leave out the creation date (reproducible output).")
    boolean noDate;

    @Option(names = {"-n", "--name"}, paramLabel = "NAME", description = "Torrent name (default: the file or directory name).")
    String name;

    @Option(names = "--threads", paramLabel = "N", description = "Hashing threads (default: the number of cores).")
    int threads = Runtime.getRuntime().availableProcessors();

    @Option(names = "--json", description = "Progress and the result as JSON lines on stdout.")
    boolean json;

    @Option(names = "--progress", paramLabel = "MODE", description = "auto, live, plain or none (default: ${DEFAULT-VALUE}).")
    ProgressViews.Mode progressMode = ProgressViews.Mode.AUTO;

    @Override
    public void run() {
        // now, not when hashing starts: the JIT compiles SHA-1's fast path while the files are listed and sorted
        // (0.6 s cold for 20 000 files), so the first pieces are not hashed on the slow path (see Sha1)
        io.btget.metainfo.Sha1.warmUp();
        if (!Files.exists(path)) {
            throw new UserError(ExitCode.USAGE, "no such file or directory: " + path);
        }
        for (List<String> tier : tiers(trackers)) {
            tier.forEach(url -> AnnounceUrls.checkTracker("--tracker", url));
        }
        webSeeds.forEach(url -> AnnounceUrls.checkWebSeed("--web-seed", url));
        SessionOptions.checkThreads("--threads", threads);
        if (name != null) {
            Optional<String> safe;
            try {
                safe = PathRules.sanitiseComponent(name, "--name");
            } catch (io.btget.metainfo.InvalidTorrentException e) {
                safe = Optional.empty();
            }
            if (safe.isEmpty() || !safe.get().equals(name)) {
                throw new UserError(ExitCode.USAGE, "--name must be a plain file name: '" + name + "'");
            }
        }
        TorrentBuilder builder = new TorrentBuilder(path)
                .trackerTiers(tiers(trackers))
                .webSeeds(webSeeds)
                .pieceLength(parsePieceSize(pieceSize))
                .isPrivate(isPrivate)
                .comment(Optional.ofNullable(comment))
                .createdBy(Optional.of(createdBy()))
                .creationDate(noDate ? Optional.empty() : Optional.of(Instant.now().getEpochSecond()))
                .name(Optional.ofNullable(name))
                .threads(threads);
        Path fileName = path.toAbsolutePath().normalize().getFileName();
        if (name == null && fileName == null) {
            throw new UserError(ExitCode.USAGE, "cannot name a torrent after " + path + " (use --name)");
        }
        String torrentName = name != null ? name : fileName.toString();
        Path target = output != null ? output : Path.of(torrentName + ".torrent");
        if (Files.exists(target) && !force) {
            throw new UserError(ExitCode.USAGE, target + " exists (use --force to overwrite)");
        }
        checkOutput(target);
        PrintWriter out = spec.commandLine().getOut();
        TorrentBuilder.Result result;
        long hashStart = System.nanoTime();
        double hashSeconds;
        try (ProgressView view = ProgressViews.choose(json, progressMode, LoggingOptions.quiet(), out)) {
            try {
                result = builder.build((hashed, total) -> showProgress(view, hashStart, hashed, total));
                hashSeconds = Math.max(1e-6, (System.nanoTime() - hashStart) / 1e9);
                try {
                    writeAtomically(target, result.torrentFile(), force);
                } catch (IOException e) {
                    // the message names the output, never the temporary file beside it (an internal name)
                    throw new UserError(ExitCode.DISK, "cannot write " + target + ": " + Main.reason(e), e);
                }
            } catch (IllegalArgumentException e) {
                throw new UserError(ExitCode.USAGE, e.getMessage());
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new UserError(ExitCode.INTERRUPTED, "interrupted while hashing");
            }
            var t = result.torrent();
            Map<String, Object> fields = new LinkedHashMap<>();
            fields.put("event", "created");
            fields.put("name", t.name());
            fields.put("infoHash", t.infoHash().hex());
            fields.put("totalSize", t.totalLength());
            fields.put("pieceLength", t.pieceLength());
            fields.put("pieceCount", t.pieceCount());
            fields.put("output", target.toString());
            fields.put("hashSeconds", Math.round(hashSeconds * 1000) / 1000.0);
            view.finish(String.format(Locale.ROOT, "%s: %s, %s of %s, info hash %s -> %s (hashed in %.2fs, %s)",
                    t.name(), Units.bytes(t.totalLength()), Units.count(t.pieceCount(), "piece"),
                    Units.bytes(t.pieceLength()), t.infoHash().hex(), target, hashSeconds,
                    Units.rate(t.totalLength() / hashSeconds)), fields);
        }
    }

    /**
     * The output can be written: checked before any data is hashed (which may take minutes), as
     * {@code --save-torrent} is, so a typo in {@code -o} fails at once and names what is wrong (not the temporary
     * file the write goes through). A file is created and removed beside the output, which also proves the folder
     * writable. Exit 5, as for any output that cannot be written.
     */
    static void checkOutput(Path target) {
        Path abs = target.toAbsolutePath();
        Path parent = abs.getParent() == null ? abs : abs.getParent();
        if (Files.isDirectory(abs)) {
            throw new UserError(ExitCode.DISK, "cannot write " + target + ": it is a directory");
        }
        if (!Files.exists(parent)) {
            throw new UserError(ExitCode.DISK, "cannot write " + target + ": no such folder " + parent);
        }
        if (!Files.isDirectory(parent)) {
            throw new UserError(ExitCode.DISK, "cannot write " + target + ": " + parent + " is not a folder");
        }
        try {
            Files.delete(Files.createTempFile(parent, ".btget-", ".torrent.probe"));
        } catch (IOException e) {
            throw new UserError(ExitCode.DISK, "cannot write " + target + ": " + Main.reason(e));
        }
    }

    /** Called from the hashing threads after each piece; the view decides how often to draw. */
    private static void showProgress(ProgressView view, long startNanos, long hashed, long total) {
        double seconds = Math.max(1e-3, (System.nanoTime() - startNanos) / 1e9);
        Map<String, Object> fields = new LinkedHashMap<>();
        fields.put("phase", "hashing");
        fields.put("hashedBytes", hashed);
        fields.put("totalBytes", total);
        view.update(String.format(Locale.ROOT, "hashing %5.1f%% %s/%s %s", total > 0 ? 100.0 * hashed / total : 100.0,
                Units.bytes(hashed), Units.bytes(total), Units.rate(hashed / seconds)), fields);
    }

    /** One tier per -t; commas separate trackers of the same tier (mktorrent's -a convention). */
    static List<List<String>> tiers(List<String> options) {
        List<List<String>> tiers = new ArrayList<>();
        for (String option : options) {
            List<String> tier = Arrays.stream(option.split(",")).map(String::trim).filter(s -> !s.isEmpty()).toList();
            if (!tier.isEmpty()) {
                tiers.add(tier);
            }
        }
        return tiers;
    }

    /**
     * Powers of two only: every client accepts them, BEP 52 requires them, and a typo like 1000K is caught.
     */
    static Optional<Integer> parsePieceSize(String text) {
        if (text.equalsIgnoreCase("auto")) {
            return Optional.empty();
        }
        long bytes;
        try {
            bytes = parseSize(text);
        } catch (IllegalArgumentException | ArithmeticException e) {
            throw new UserError(ExitCode.USAGE, "--piece-size: " + e.getMessage());
        }
        if (bytes < 16 * 1024 || bytes > TorrentParser.MAX_PIECE_LENGTH || Long.bitCount(bytes) != 1) {
            throw new UserError(ExitCode.USAGE, "--piece-size must be a power of two from 16K to 128M, got " + text);
        }
        return Optional.of((int) bytes);
    }

    /** "262144", "256K", "256k", "1M", "1MiB" -> bytes. */
    static long parseSize(String text) {
        String s = text.trim().toUpperCase(Locale.ROOT);
        if (s.endsWith("IB")) {
            s = s.substring(0, s.length() - 2);
        } else if (s.endsWith("B")) {
            s = s.substring(0, s.length() - 1);
        }
        long multiplier = 1;
        if (s.endsWith("K")) {
            multiplier = 1L << 10;
        } else if (s.endsWith("M")) {
            multiplier = 1L << 20;
        } else if (s.endsWith("G")) {
            multiplier = 1L << 30;
        }
        if (multiplier != 1) {
            s = s.substring(0, s.length() - 1);
        }
        if (s.isEmpty() || s.length() > 12 || !s.chars().allMatch(Character::isDigit)) {
            throw new IllegalArgumentException("not a size: '" + text + "' (examples: 262144, 256K, 4M)");
        }
        return Math.multiplyExact(Long.parseLong(s), multiplier);
    }

    private static String createdBy() {
        try {
            return new BtgetCommand.Version().getVersion()[0];
        } catch (IOException e) {
            return "btget";
        }
    }

    /**
     * Never leaves a half-written .torrent behind: write beside the target, then move into place. The file is
     * created as any other (mode 0666 less the umask, like mktorrent's), not with the 0600 of a temporary file.
     */
    private static void writeAtomically(Path target, byte[] data, boolean replace) throws IOException {
        Path dir = target.toAbsolutePath().getParent();
        java.security.SecureRandom random = new java.security.SecureRandom();
        Path tmp = null;
        for (int attempt = 0; tmp == null; attempt++) {
            Path candidate = dir.resolve(".btget-" + Long.toUnsignedString(random.nextLong(), 36) + ".torrent.tmp");
            try (java.io.OutputStream out = Files.newOutputStream(candidate, StandardOpenOption.CREATE_NEW,
                    StandardOpenOption.WRITE)) {
                tmp = candidate;
                out.write(data);
            } catch (java.nio.file.FileAlreadyExistsException e) {
                if (attempt > 100) {
                    throw e;
                }
            } catch (IOException e) {
                Files.deleteIfExists(candidate);
                throw e;
            }
        }
        try {
            if (replace) {
                Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            } else {
                // no ATOMIC_MOVE here: it would silently replace a file created meanwhile
                Files.move(tmp, target);
            }
        } finally {
            Files.deleteIfExists(tmp);
        }
    }
}
