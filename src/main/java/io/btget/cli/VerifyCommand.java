package io.btget.cli;

import io.btget.cli.progress.ProgressView;
import io.btget.cli.progress.ProgressViews;
import io.btget.metainfo.FileEntry;
import io.btget.metainfo.Torrent;
import io.btget.storage.FileStatus;
import io.btget.storage.ResumeFile.FileStamp;
import io.btget.storage.ResumeFileKeeper;
import io.btget.storage.StateDir;
import io.btget.storage.Storage;
import io.btget.storage.StorageException;
import io.btget.storage.Verifier;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.LongAdder;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(name = "verify", mixinStandardHelpOptions = true,
        description = {"Hash-check the data on disk against a torrent, in parallel.",
            "Exit 0 when every piece is present and correct, 6 otherwise."})
final class VerifyCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Parameters(paramLabel = "TORRENT", description = "The .torrent file, or an http(s) URL of one.")
    String torrent;

    @Option(names = {"-d", "--dir"}, paramLabel = "DIR", description = "Where the data is (default: current directory).")
    Path dir = Path.of(".");

    @Option(names = "--json", description = "Progress and the report as JSON lines on stdout.")
    boolean json;

    @Option(names = "--threads", paramLabel = "N", description = "Hashing threads (default: all cores).")
    int threads = Runtime.getRuntime().availableProcessors();

    @Option(names = "--progress", paramLabel = "MODE", description = "auto, live, plain or none (default: ${DEFAULT-VALUE}).")
    ProgressViews.Mode progress = ProgressViews.Mode.AUTO;

    @Mixin
    SelectionOptions select = new SelectionOptions();

    @Override
    public Integer call() throws InterruptedException {
        io.btget.metainfo.Sha1.warmUp(); // while the torrent is read and the files are opened (see Sha1)
        SessionOptions.checkThreads("--threads", threads);
        io.btget.metainfo.FileSelection.Request request = select.request();
        Torrent t = TorrentInput.load(torrent);
        io.btget.metainfo.FileSelection selection = SelectionOptions.resolve(request, t.files());
        // with a selection only the pieces of the selected files are checked (whole pieces: boundary ones in full)
        BitSet wanted = selection.wantedPieces(t.pieceLength(), t.pieceCount());
        long wantedBytes = 0;
        for (int p = wanted.nextSetBit(0); p >= 0; p = wanted.nextSetBit(p + 1)) {
            wantedBytes += t.pieceSize(p);
        }
        long total = wantedBytes;
        if (!Files.isDirectory(dir)) {
            throw new UserError(ExitCode.USAGE, (java.nio.file.Files.exists(dir) ? "not a directory: " : "no such directory: ")
                    + dir);
        }
        long started = System.nanoTime();
        BitSet good;
        try (Storage storage = Storage.open(dir, t, false, selection);
                ProgressView view = ProgressViews.choose(json, progress, LoggingOptions.quiet(), spec.commandLine().getOut())) {
            LongAdder checked = new LongAdder();
            AtomicBoolean done = new AtomicBoolean();
            Thread reporter = new Thread(() -> {
                while (!done.get()) {
                    long c = checked.sum();
                    double secs = Math.max(0.001, (System.nanoTime() - started) / 1e9);
                    Map<String, Object> f = new LinkedHashMap<>();
                    f.put("checkedBytes", c);
                    f.put("totalBytes", total);
                    view.update(String.format(Locale.ROOT, "verifying %5.1f%% %s of %s  %s",
                            total == 0 ? 100.0 : 100.0 * c / total, Units.bytes(c),
                            Units.bytes(total), Units.rate(c / secs)), f);
                    try {
                        Thread.sleep(200);
                    } catch (InterruptedException e) {
                        return;
                    }
                }
            }, "verify-progress");
            reporter.setDaemon(true);
            // The resume file of this torrent and folder is rewritten from what this check proves (see
            // ResumeFileKeeper.saveAfterVerify): left alone, it could claim a piece found bad here, and the next
            // download or seed would trust it without hashing. The stamps are taken before any byte is read.
            ResumeFileKeeper keeper = new ResumeFileKeeper(StateDir.resumeDir(), t, storage);
            List<FileStamp> stamps = keeper.stamps();
            long stampedAt = ResumeFileKeeper.wallClockNanos();
            reporter.start();
            try {
                good = new Verifier(t, storage).verify(threads, checked::add, wanted);
            } catch (StorageException e) {
                throw new UserError(ExitCode.DISK, e.getMessage(), e);
            } finally {
                done.set(true);
                reporter.interrupt();
                reporter.join();
            }
            boolean[] selected = new boolean[t.files().size()];
            for (int i = 0; i < selected.length; i++) {
                selected[i] = selection.isSelected(i);
            }
            keeper.saveAfterVerify(stamps, stampedAt, wanted, good, selected);
            BitSet present = new Verifier(t, storage).presentPieces();
            boolean complete = report(t, storage, selection, wanted, good, present, view,
                    (System.nanoTime() - started) / 1e9);
            return complete ? ExitCode.OK.code : ExitCode.INCOMPLETE.code;
        }
    }

    /**
     * Prints the per-file and total report (selected files only; {@code index} numbered from 1 as {@code btget info}
     * shows it); true when every wanted piece and every selected file is as the torrent says.
     */
    private boolean report(Torrent t, Storage storage, io.btget.metainfo.FileSelection selection, BitSet wanted,
            BitSet good, BitSet present, ProgressView view, double seconds) {
        List<FileEntry> files = t.files();
        List<Map<String, Object>> fileReports = new ArrayList<>();
        long onDisk = 0;
        int okFiles = 0;
        int userFiles = 0;
        int userIndex = 0;
        for (int i = 0; i < files.size(); i++) {
            FileEntry f = files.get(i);
            if (f.padding()) {
                continue;
            }
            userIndex++;
            if (!selection.isSelected(i)) {
                continue;
            }
            userFiles++;
            FileStatus.Finding finding = FileStatus.of(storage, i, good, present);
            String status = finding.status().label();
            if (finding.sizeOnDisk() > 0) {
                onDisk += Math.min(finding.sizeOnDisk(), f.length());
            }
            int badPieces = finding.badPieces();
            if (status.equals("ok")) {
                okFiles++;
            }
            Map<String, Object> r = new LinkedHashMap<>();
            r.put("index", userIndex);
            r.put("path", f.displayPath());
            r.put("length", f.length());
            r.put("status", status);
            r.put("badPieces", badPieces);
            fileReports.add(r);
            if (!json && (!status.equals("ok") || LoggingOptions.verbosity() >= 1)) {
                String detail = switch (status) {
                    case "short", "corrupt" -> " (" + Units.count(badPieces, "bad piece") + ")";
                    case "suspect" -> " (" + Units.count(badPieces, "bad piece") + ", each shared with another file)";
                    case "unchecked" -> " (" + Units.count(badPieces, "piece") + " shared with a missing or short file)";
                    case "broken-link" -> " (through " + storage.linkOf(i) + ")";
                    case "long" -> " (" + finding.sizeOnDisk() + " bytes on disk, " + f.length() + " in the torrent)";
                    default -> "";
                };
                view.event("file", String.format(Locale.ROOT, "%-9s %s%s", status.toUpperCase(Locale.ROOT), f.displayPath(), detail), r);
            }
        }
        int goodPieces = good.cardinality();
        int pieceCount = wanted.cardinality();
        Map<String, Object> summary = new LinkedHashMap<>();
        summary.put("event", "verified");
        summary.put("name", t.name());
        summary.put("infoHash", t.infoHash().hex());
        summary.put("complete", goodPieces == pieceCount && okFiles == userFiles);
        summary.put("piecesGood", goodPieces);
        summary.put("pieceCount", pieceCount);
        if (!selection.isAll()) {
            summary.put("selectedFiles", userFiles); // pieceCount and fileCount are then those of the selection
            summary.put("torrentPieceCount", t.pieceCount());
            summary.put("torrentFileCount", selection.userFileCount());
        }
        summary.put("filesOk", okFiles);
        summary.put("fileCount", userFiles);
        summary.put("seconds", Math.round(seconds * 1000) / 1000.0);
        summary.put("files", fileReports);
        // the rate is that of the bytes actually read: files that are missing or short are not "verified" at any speed
        summary.put("bytesRead", onDisk);
        String read = onDisk == 0 ? "no data on disk" : String.format(Locale.ROOT, "%s read in %.2fs, %s",
                Units.bytes(onDisk), seconds, Units.rate(onDisk / Math.max(0.001, seconds)));
        view.finish(String.format(Locale.ROOT, "%s: %d of %s OK, %d of %s OK (%s)%s",
                t.name(), goodPieces, Units.count(pieceCount, "piece"), okFiles,
                Units.count(userFiles, "file") + (selection.isAll() ? "" : " selected"), read,
                goodPieces == pieceCount && okFiles == userFiles ? "" : " - INCOMPLETE"), summary);
        return goodPieces == pieceCount && okFiles == userFiles;
    }
}
