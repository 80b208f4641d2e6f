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

    @Parameters(index = "0", paramLabel = "TORRENT", description = "The .torrent file, an http(s) URL of one, or a magnet link (its metadata is fetched from peers first).")
    String file;

    @Option(names = "--peer", paramLabel = "HOST:PORT", description = "For a magnet link: a peer to fetch the metadata from (repeatable).")
    java.util.List<String> peers = new java.util.ArrayList<>();

    @Option(names = {"-t", "--tracker"}, paramLabel = "URL", description = "For a magnet link: an extra tracker to find peers through (repeatable).")
    java.util.List<String> trackers = new java.util.ArrayList<>();

    @Option(names = {"-p", "--port"}, paramLabel = "PORT", description = "For a magnet link: port to listen on for peers (default: 6881, or the next free one; 0 for any).")
    Integer port;

    @Option(names = "--stall-timeout", paramLabel = "DURATION", description = "For a magnet link: give up (exit 4) when no peer sent the metadata within this long (default: ${DEFAULT-VALUE}).")
    String stallTimeout = "3m";

    @Option(names = "--json", description = "Print one JSON object instead of text.")
    boolean json;

    @Option(names = "--no-dht", description = "For a magnet link: run no DHT node (BEP 5) to find peers.")
    boolean noDht;

    @picocli.CommandLine.Mixin
    DhtOptions dht = new DhtOptions();

    @Override
    public void run() {
        Torrent torrent = MagnetInput.isMagnet(file) ? fetchMagnet() : TorrentInput.load(file);
        PrintWriter out = spec.commandLine().getOut();
        if (json) {
            out.println(Json.object(asJson(torrent)));
        } else {
            printText(torrent, out);
        }
        out.flush();
    }

    /** A magnet: its metadata from the store or from peers (BEP 9), kept in the store for a later download. */
    private Torrent fetchMagnet() {
        io.btget.metainfo.MagnetLink link = MagnetInput.parse(file);
        if (port != null && (port < 0 || port > 65535)) {
            throw new UserError(ExitCode.USAGE, "--port must be 0..65535");
        }
        java.util.List<java.net.InetSocketAddress> extra = new java.util.ArrayList<>();
        peers.forEach(p -> extra.add(SessionOptions.parsePeer(p)));
        trackers.forEach(t -> AnnounceUrls.checkTracker("--tracker", t));
        io.btget.session.Config config = new io.btget.session.Config(Path.of("."),
                anyAddress(),
                port == null ? 6881 : port, io.btget.peer.Limits.DEFAULT_MAX_PEERS, 4, trackers, extra,
                SessionOptions.stallTimeout(stallTimeout), 0, 0, io.btget.session.Config.SeedPolicy.NONE, 1, false);
        config = config.withDht(dht.settings(!noDht)).withEncryption(io.btget.mse.Encryption.PREFER); // as download
        if (port != null) {
            config = config.withExplicitPort();
        }
        return MetadataFetcher.fetch(link, config);
    }

    private static java.net.InetAddress anyAddress() {
        try {
            return java.net.InetAddress.getByName("0.0.0.0");
        } catch (java.net.UnknownHostException e) {
            throw new IllegalStateException(e);
        }
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
        List<FileEntry> userFiles = t.userFiles();
        m.put("files", java.util.stream.IntStream.range(0, userFiles.size()).mapToObj(i -> {
            FileEntry f = userFiles.get(i);
            Map<String, Object> fm = new LinkedHashMap<>();
            fm.put("index", i + 1); // as --select-file counts (aria2c: from 1)
            fm.put("path", f.displayPath());
            fm.put("length", f.length());
            return fm;
        }).toList());
        m.put("trackers", t.trackerTiers());
        m.put("webSeeds", t.webSeeds());
        if (!t.httpSeeds().isEmpty()) {
            m.put("httpSeeds", t.httpSeeds()); // BEP 17
        }
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
        if (!t.httpSeeds().isEmpty()) {
            out.println("HTTP seeds (BEP 17):");
            t.httpSeeds().forEach(w -> out.println("  " + w));
        }
        List<FileEntry> files = t.userFiles();
        out.println("Files (" + files.size() + "):");
        for (int i = 0; i < files.size(); i++) {
            FileEntry f = files.get(i);
            out.printf(Locale.ROOT, "  %4d  %s  (%s)%n", i + 1, f.displayPath(), Units.bytes(f.length()));
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
