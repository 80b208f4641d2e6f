package io.btget.cli;

import io.btget.metainfo.FileEntry;
import io.btget.metainfo.Torrent;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code btget info FILE [--json]}: what a .torrent holds, after full validation. */
@Command(name = "info", mixinStandardHelpOptions = true,
        description = "Show what a .torrent file holds: name, info hash, size, pieces, files, trackers, magnet link.",
        footerHeading = "%n", footer = {"Exits 3 when the file is not a valid .torrent."})
public final class InfoCommand implements Runnable {
    @Spec
    CommandSpec spec;

    // -v/-q/--log-file come from BtgetCommand's LoggingOptions (inherited scope); mixing them in again here
    // would declare them twice.

    @Parameters(index = "0", paramLabel = "TORRENT", description = "The .torrent file, or an http(s) URL of one.")
    String file;

    @Option(names = "--json", description = "Print one JSON object instead of text.")
    boolean json;

    @Override
    public void run() {
        Torrent torrent = TorrentInput.load(file);
        PrintWriter out = spec.commandLine().getOut();
        if (json) {
            out.println(Json.object(asJson(torrent)));
        } else {
            printText(torrent, out);
        }
        out.flush();
    }

    static Map<String, Object> asJson(Torrent t) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("name", t.name());
        m.put("infoHash", t.infoHash().hex());
        t.infoHashV2().ifPresent(h -> m.put("infoHashV2", HexFormat.of().formatHex(h)));
        m.put("totalSize", t.totalLength());
        m.put("pieceLength", t.pieceLength());
        m.put("pieceCount", t.pieceCount());
        m.put("private", t.isPrivate());
        m.put("multiFile", t.multiFile());
        m.put("files", t.userFiles().stream().map(f -> {
            Map<String, Object> fm = new LinkedHashMap<>();
            fm.put("path", f.displayPath());
            fm.put("length", f.length());
            return fm;
        }).toList());
        m.put("trackers", t.trackerTiers());
        m.put("webSeeds", t.webSeeds());
        m.put("magnet", t.magnetLink().toString());
        m.put("comment", t.comment().orElse(null));
        m.put("createdBy", t.createdBy().orElse(null));
        m.put("creationDate", t.creationDate().orElse(null));
        // what the parser repaired or ignored in optional fields (README "Optional fields"); [] when nothing
        m.put("warnings", t.warnings());
        return m;
    }

    private static void printText(Torrent t, PrintWriter out) {
        out.println("Name:         " + t.name());
        out.println("Info hash:    " + t.infoHash().hex());
        t.infoHashV2().ifPresent(h -> out.println("Info hash v2: " + HexFormat.of().formatHex(h)));
        out.println("Total size:   " + Units.bytes(t.totalLength()) + " (" + t.totalLength() + " bytes)");
        out.println("Pieces:       " + t.pieceCount() + " x " + Units.bytes(t.pieceLength()) + " (" + t.pieceLength()
                + " bytes)");
        out.println("Private:      " + (t.isPrivate() ? "yes" : "no"));
        t.comment().ifPresent(c -> out.println("Comment:      " + oneLine(c)));
        t.createdBy().ifPresent(c -> out.println("Created by:   " + oneLine(c)));
        t.creationDate().ifPresent(d -> out.println("Created:      " + Instant.ofEpochSecond(
                Math.max(-31_000_000_000L, Math.min(31_000_000_000L, d)))));
        List<List<String>> tiers = t.trackerTiers();
        out.println("Trackers:" + (tiers.isEmpty() ? "     none" : ""));
        for (int i = 0; i < tiers.size(); i++) {
            for (String url : tiers.get(i)) {
                out.println("  tier " + i + ": " + url);
            }
        }
        if (!t.webSeeds().isEmpty()) {
            out.println("Web seeds:");
            t.webSeeds().forEach(w -> out.println("  " + w));
        }
        List<FileEntry> files = t.userFiles();
        out.println("Files (" + files.size() + "):");
        for (int i = 0; i < files.size(); i++) {
            FileEntry f = files.get(i);
            out.printf(Locale.ROOT, "  %4d  %s  (%s)%n", i, f.displayPath(), Units.bytes(f.length()));
        }
        out.println("Magnet:       " + t.magnetLink());
        if (!t.warnings().isEmpty()) {
            out.println("Warnings (optional fields repaired or ignored):");
            t.warnings().forEach(w -> out.println("  " + oneLine(w)));
        }
    }

    /** Keeps a hostile comment from rewriting the terminal. */
    private static String oneLine(String s) {
        return s.replaceAll("\\p{Cntrl}", " ");
    }
}
