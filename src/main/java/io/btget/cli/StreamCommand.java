package io.btget.cli;

import io.btget.cli.progress.ProgressViews;
import io.btget.metainfo.FileEntry;
import io.btget.metainfo.FileSelection;
import io.btget.metainfo.MagnetLink;
import io.btget.metainfo.Torrent;
import io.btget.peer.Limits;
import io.btget.session.Config;
import io.btget.session.TorrentSession;
import io.btget.stream.PieceSource;
import io.btget.stream.StreamServer;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicReference;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "stream", mixinStandardHelpOptions = true,
        description = {"Download one file of a torrent in order and serve it over HTTP on 127.0.0.1 while it downloads, with byte ranges, so a player starts at once: mpv http://127.0.0.1:PORT/ (the URL is printed on stdout).",
            "Only verified data is served; a read ahead of the download fetches the pieces there first. Keeps seeding and serving after the download completes, until Ctrl-C."})
final class StreamCommand implements Callable<Integer> {

    @Parameters(paramLabel = "TORRENT", description = "The .torrent file, an http(s) URL of one, or a magnet link.")
    String torrent;

    @Option(names = "--file", paramLabel = "N", description = "The file to serve, numbered from 1 as 'btget info' shows them (default: the largest).")
    Integer file;

    @Option(names = "--port", paramLabel = "PORT", description = "HTTP port on 127.0.0.1 (default: any free one).")
    int port;

    @Option(names = {"-d", "--dir"}, paramLabel = "DIR", description = "Where the data goes (default: current directory).")
    Path dir = Path.of(".");

    @Option(names = "--peer-port", paramLabel = "PORT", description = "Port to listen on for peers (default: 6881, or the next free one when taken; 0 for any).")
    Integer peerPort;

    @Option(names = "--bind", paramLabel = "ADDR", description = "Address to listen on for peers (default: all interfaces); the HTTP server is always on 127.0.0.1.")
    String bind = "0.0.0.0";

    @Option(names = "--download-limit", paramLabel = "RATE", description = "Bytes per second over all peers: 500K, 2M (default: no limit).")
    String downloadLimit = "0";

    @Option(names = "--upload-limit", paramLabel = "RATE", description = "Bytes per second over all peers: 500K, 2M (default: no limit).")
    String uploadLimit = "0";

    @Option(names = {"-t", "--tracker"}, paramLabel = "URL", description = "An extra tracker (repeatable).")
    List<String> trackers = new ArrayList<>();

    @Option(names = "--peer", paramLabel = "HOST:PORT", description = "A peer to connect to directly (repeatable).")
    List<String> peers = new ArrayList<>();

    @Option(names = "--json", description = "One JSON object per line on stdout (the stream URL, progress and events).")
    boolean json;

    @Option(names = "--progress", paramLabel = "MODE", description = "auto, live, plain or none (default: ${DEFAULT-VALUE}).")
    ProgressViews.Mode progress = ProgressViews.Mode.AUTO;

    @Option(names = "--no-dht", description = "Run no DHT node (BEP 5).")
    boolean noDht;

    @Option(names = "--encryption", paramLabel = "MODE", description = SessionOptions.ENCRYPTION_DESCRIPTION)
    String encryption = "prefer";

    @Option(names = "--max-peers", paramLabel = "N", description = "Most peer connections at once (default: ${DEFAULT-VALUE}).")
    int maxPeers = Limits.DEFAULT_MAX_PEERS;

    @Option(names = "--recheck", description = "Hash every piece on disk at start, ignoring the resume file.")
    boolean recheck;

    @Mixin
    DhtOptions dht = new DhtOptions();

    @Override
    public Integer call() {
        if (port < 0 || port > 65535) {
            throw new UserError(ExitCode.USAGE, "--port must be 0..65535");
        }
        if (file != null && file < 1) {
            throw new UserError(ExitCode.USAGE, "--file counts from 1 (see 'btget info'), got " + file);
        }
        SessionOptions options = sessionOptions();
        Config config = options.toConfig(Config.SeedPolicy.FOREVER);
        PrintWriter out = new PrintWriter(System.out);
        AtomicReference<StreamServer> server = new AtomicReference<>();
        try {
            java.util.function.Consumer<TorrentSession> attach = session -> server.set(start(session, out));
            if (MagnetInput.isMagnet(torrent)) {
                return SessionRunner.runMagnet(MagnetInput.parse(torrent), config, options, out, null, attach);
            }
            Torrent t = TorrentInput.load(torrent);
            return SessionRunner.run(t, config, options, out, attach);
        } catch (UserError e) {
            // --file travels as --select-file (one way to resolve an index): name the option the user gave
            String m = e.getMessage();
            if (file != null && m != null && m.startsWith("--select-file: ")) {
                throw new UserError(e.exitCode(), "--file: " + m.substring("--select-file: ".length()));
            }
            throw e;
        } finally {
            StreamServer s = server.get();
            if (s != null) {
                s.close();
            }
        }
    }

    /** The session's options from this command's: a download that seeds until stopped and never stalls out. */
    SessionOptions sessionOptions() {
        SessionOptions options = new SessionOptions();
        options.dir = dir;
        options.port = peerPort;
        options.bind = bind;
        options.downloadLimit = downloadLimit;
        options.uploadLimit = uploadLimit;
        options.trackers = trackers;
        options.peers = peers;
        options.json = json;
        options.progress = progress;
        options.noDht = noDht;
        options.stallTimeout = "inf"; // a player may sit paused for hours: streaming never gives up on its own
        options.encryption = encryption;
        options.maxPeers = maxPeers;
        options.recheck = recheck;
        options.dht = dht;
        if (file != null) {
            options.select.selectFile = Integer.toString(file); // checked against the file list like --select-file
        }
        return options;
    }

    /** Selects the file, switches the session to sequential order, and starts the HTTP server on it. */
    private StreamServer start(TorrentSession session, PrintWriter out) {
        Torrent t = session.torrent();
        List<FileEntry> files = t.userFiles();
        int index = file != null ? file : largest(files) + 1;
        FileEntry f = files.get(index - 1); // resolving --select-file already refused an index past the end
        FileSelection one = new FileSelection.Request(List.of(new MagnetLink.IndexRange(index - 1, index - 1)),
                List.of(), List.of(), List.of()).resolve(t.files());
        session.selectFiles(one);
        session.downloadSequentially();
        StreamServer server;
        try {
            server = new StreamServer(source(session), f.offset(), f.length(), f.path().get(f.path().size() - 1),
                    new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
        } catch (IOException e) {
            throw new UserError(ExitCode.USAGE, "cannot listen on 127.0.0.1 port " + port + ": " + Main.oneLine(e));
        }
        String url = "http://127.0.0.1:" + server.port() + "/";
        if (json) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("event", "stream");
            m.put("url", url);
            m.put("file", index);
            m.put("path", f.displayPath());
            m.put("size", f.length());
            out.println(Json.object(m));
        } else {
            out.println(url);
        }
        out.flush();
        return server;
    }

    private static int largest(List<FileEntry> files) {
        int best = 0;
        for (int i = 1; i < files.size(); i++) {
            if (files.get(i).length() > files.get(best).length()) {
                best = i;
            }
        }
        return best;
    }

    private static PieceSource source(TorrentSession session) {
        int pieceLength = session.torrent().pieceLength();
        return new PieceSource() {
            @Override
            public int pieceLength() {
                return pieceLength;
            }

            @Override
            public boolean have(int piece) {
                return session.havePiece(piece);
            }

            @Override
            public boolean read(int piece, int offset, byte[] dst, int length) {
                return !stopping() && session.readBlock(piece, offset, length, dst);
            }

            @Override
            public io.btget.piece.PiecePriorities priorities() {
                return session.priorities();
            }

            @Override
            public boolean stopping() {
                return Signals.received() != null;
            }
        };
    }
}
