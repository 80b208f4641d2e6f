package io.btget.cli;

import io.btget.cli.progress.ProgressView;
import io.btget.cli.progress.ProgressViews;
import io.btget.metainfo.Torrent;
import io.btget.session.Config;
import io.btget.session.Outcome;
import io.btget.session.SessionException;
import io.btget.session.SessionListener;
import io.btget.session.Stats;
import io.btget.storage.StorageException;
import java.io.PrintWriter;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Runs a torrent session in the foreground: progress view, signals, summary line, exit code. */
final class SessionRunner {
    private static final Logger log = LoggerFactory.getLogger(SessionRunner.class);

    private SessionRunner() {
    }

    static int run(Torrent torrent, Config config, SessionOptions options, PrintWriter out) {
        try (ProgressView view = ProgressViews.choose(options.json, options.progress, out)) {
            Listener listener = new Listener(view, torrent);
            io.btget.session.TorrentSession session = new io.btget.session.TorrentSession(torrent, config, listener);
            Signals.onStop(code -> session.requestStop(Outcome.INTERRUPTED));
            Map<String, Object> start = new LinkedHashMap<>();
            start.put("name", torrent.name());
            start.put("infoHash", torrent.infoHash().hex());
            start.put("totalSize", torrent.totalLength());
            start.put("pieceCount", torrent.pieceCount());
            start.put("dir", config.outputDir().toAbsolutePath().toString());
            if (options.json) {
                view.event("started", "", start);
            } else {
                log.info("{}: {} in {} pieces -> {}", torrent.name(), Units.bytes(torrent.totalLength()),
                        torrent.pieceCount(), config.outputDir().toAbsolutePath());
            }
            Outcome outcome;
            try {
                outcome = session.run();
            } catch (io.btget.peer.PeerPool.ListenException e) {
                fail(view, options.json, "btget: " + e.getMessage(), summary("error", session.stats(), e.getMessage()));
                return e.badAddress() ? ExitCode.USAGE.code : ExitCode.NETWORK.code;
            } catch (SessionException | StorageException e) {
                Stats s = session.stats();
                fail(view, options.json, "btget: " + e.getMessage() + " (" + s.piecesHave() + " of " + s.pieceCount()
                        + " pieces verified and kept on disk)", summary("error", s, e.getMessage()));
                return ExitCode.DISK.code;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                outcome = Outcome.INTERRUPTED;
            }
            Stats s = session.stats();
            return switch (outcome) {
                case COMPLETE -> {
                    view.finish(completeLine(torrent, s), summary("complete", s, null));
                    yield ExitCode.OK.code;
                }
                case STALLED -> {
                    String msg = "no progress for " + options.stallTimeout + " (" + s.peersConnected() + " peers connected, "
                            + s.peersKnown() + " known); " + s.piecesHave() + " of " + s.pieceCount() + " pieces verified";
                    fail(view, options.json, "btget: stalled: " + msg, summary("stalled", s, msg));
                    yield ExitCode.NETWORK.code;
                }
                case NO_PEERS -> {
                    String msg = "no tracker answered and no peer could be reached"
                            + session.lastTrackerError().map(e -> " (last tracker error: " + e + ")").orElse("");
                    fail(view, options.json, "btget: " + msg, summary("no_peers", s, msg));
                    yield ExitCode.NETWORK.code;
                }
                case INCOMPLETE -> {
                    String msg = "data in " + config.outputDir() + " is incomplete: " + s.piecesHave() + " of "
                            + s.pieceCount() + " pieces verified (use 'btget download --seed' to fetch the rest)";
                    fail(view, options.json, "btget: " + msg, summary("incomplete", s, msg));
                    yield ExitCode.INCOMPLETE.code;
                }
                case INTERRUPTED -> {
                    ExitCode code = Signals.received() != null ? Signals.received() : ExitCode.INTERRUPTED;
                    fail(view, options.json, "btget: stopped (" + s.piecesHave() + " of " + s.pieceCount()
                            + " pieces verified and kept)", summary("stopped", s, null));
                    yield code.code;
                }
            };
        }
    }

    /** Failures: the JSON event on stdout with --json, otherwise one line on stderr. */
    private static void fail(ProgressView view, boolean json, String line, Map<String, Object> fields) {
        if (json) {
            view.finish(line, fields);
        } else {
            view.close();
            System.err.println(line);
        }
    }

    private static String completeLine(Torrent torrent, Stats s) {
        double seconds = Math.max(0.001, s.elapsedMillis() / 1000.0);
        return String.format(Locale.ROOT, "%s: %s complete in %.1fs, %s down (%s), %s up, %d of %d pieces verified",
                torrent.name(), Units.bytes(s.totalBytes()), seconds, Units.bytes(s.downloaded()),
                Units.rate(s.downloaded() / seconds), Units.bytes(s.uploaded()), s.piecesHave(), s.pieceCount());
    }

    static Map<String, Object> fields(Stats s) {
        Map<String, Object> f = new LinkedHashMap<>();
        f.put("phase", s.phase());
        f.put("percent", Math.round(s.fraction() * 10000) / 100.0);
        f.put("verifiedBytes", s.verifiedBytes());
        f.put("totalBytes", s.totalBytes());
        f.put("downloaded", s.downloaded());
        f.put("uploaded", s.uploaded());
        f.put("downloadRate", Math.round(s.downloadRate()));
        f.put("uploadRate", Math.round(s.uploadRate()));
        f.put("peers", s.peersConnected());
        f.put("knownPeers", s.peersKnown());
        f.put("seeds", s.seedsConnected());
        f.put("pieces", s.piecesHave());
        f.put("pieceCount", s.pieceCount());
        f.put("hashFailures", s.hashFailures());
        f.put("wasted", s.wasted());
        f.put("eta", s.etaSeconds());
        f.put("elapsedMs", s.elapsedMillis());
        return f;
    }

    private static Map<String, Object> summary(String event, Stats s, String message) {
        Map<String, Object> f = fields(s);
        f.put("event", event);
        if (message != null) {
            f.put("message", message);
        }
        double seconds = Math.max(0.001, s.elapsedMillis() / 1000.0);
        f.put("meanRate", Math.round(s.downloaded() / seconds));
        return f;
    }

    /** Turns session events into view updates. */
    private static final class Listener implements SessionListener {
        private final ProgressView view;
        private final Torrent torrent;

        Listener(ProgressView view, Torrent torrent) {
            this.view = view;
            this.torrent = torrent;
        }

        @Override
        public void stats(Stats s) {
            view.update(line(s), fields(s));
        }

        /** One line that fits 80 columns: "36.9% [####------] 23.6 MiB/64.0 MiB DL 3.2 MB/s UL 0 B/s peers 1/3 ETA 12s". */
        private String line(Stats s) {
            int barWidth = 10;
            int filled = (int) Math.round(s.fraction() * barWidth);
            String bar = "[" + "#".repeat(filled) + "-".repeat(barWidth - filled) + "]";
            String pct = String.format(Locale.ROOT, "%5.1f%%", s.fraction() * 100);
            if (s.phase().equals("checking")) {
                return String.format(Locale.ROOT, "checking %s %s %s/%s", pct, bar, Units.bytes(s.verifiedBytes()),
                        Units.bytes(s.totalBytes()));
            }
            if (s.phase().equals("seeding")) {
                double ratio = s.totalBytes() == 0 ? 0 : s.uploaded() / (double) s.totalBytes();
                return String.format(Locale.ROOT, "seeding %s UL %s, %s sent (ratio %.2f) peers %d/%d",
                        Units.bytes(s.totalBytes()), Units.rate(s.uploadRate()), Units.bytes(s.uploaded()), ratio,
                        s.peersConnected(), s.peersKnown());
            }
            return String.format(Locale.ROOT, "%s %s %s/%s DL %s UL %s peers %d/%d ETA %s",
                    pct, bar, Units.bytes(s.verifiedBytes()), Units.bytes(s.totalBytes()),
                    Units.rate(s.downloadRate()), Units.rate(s.uploadRate()), s.peersConnected(), s.peersKnown(),
                    Units.duration(s.etaSeconds()));
        }

        @Override
        public void event(String type, String message, Map<String, Object> fields) {
            if (type.equals("tracker_error") || type.equals("peer_banned") || type.equals("piece_failed")
                    || type.equals("listening")) {
                // Routine in a real swarm: a JSON event with --json, otherwise a log line (stderr, shown with -v).
                if (view.getClass().getSimpleName().startsWith("Json")) {
                    view.event(type, message, fields);
                } else {
                    log.info(message);
                }
                return;
            }
            view.event(type, message, fields);
        }

    }
}
