package io.btget.cli;

import io.btget.cli.progress.ProgressBoard;
import io.btget.cli.progress.ProgressView;
import io.btget.cli.progress.ProgressViews;
import io.btget.cli.progress.StatusLine;
import io.btget.metainfo.FileSelection;
import io.btget.metainfo.InfoHash;
import io.btget.metainfo.MagnetLink;
import io.btget.metainfo.Torrent;
import io.btget.peer.Threads;
import io.btget.session.Config;
import io.btget.session.TorrentSession;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;

/**
 * Several torrents in one process ({@code btget download A.torrent B.torrent MAGNET}): one {@link
 * io.btget.client.Client} for all (one peer id, one listen port routing incoming peers by info hash, one DHT node,
 * the global rate limits shared), each torrent on a (platform) thread of its own, at most {@code --max-active} at once, each
 * with its own rate limits under the global ones if asked ({@link TorrentHost}).
 *
 * <p>Every input is read first: one that cannot be (unreadable, not a torrent, a magnet with no source, the same
 * torrent twice, the same name as an earlier one) is reported at once and the others still run, as aria2c does. A
 * torrent that fails later (disk error, stall, metadata refused) ends alone. The exit code is the worst of all
 * ({@link WorstExit}); a closing summary names each torrent's outcome. A signal stops them all, each saving its
 * resume file as a single download does, and no queued torrent starts after it.
 */
final class MultiRunner {
    private MultiRunner() {
    }

    /** One input that could be read, ready to run. */
    private static final class Job {
        final int index;
        final String input;
        final InfoHash infoHash;
        volatile String label;
        final Torrent torrent;
        final FileSelection selection;
        final SessionRunner.MagnetPlan magnet;
        ProgressBoard.Slot slot;
        Recorded view;
        /** Frees this torrent's --max-active place once its download is done (it may go on seeding). */
        volatile Runnable leaveQueue = () -> { };

        Job(int index, String input, InfoHash infoHash, String label, Torrent torrent, FileSelection selection,
                SessionRunner.MagnetPlan magnet) {
            this.index = index;
            this.input = input;
            this.infoHash = infoHash;
            this.label = label;
            this.torrent = torrent;
            this.selection = selection;
            this.magnet = magnet;
        }
    }

    /** How one input ended. */
    record Result(String input, String infoHash, String name, ExitCode code, String status, String message) {
    }

    /** Info hashes and output names already taken in this run: a second torrent may not write into the first's. */
    static final class Claims {
        private final Map<InfoHash, String> hashes = new HashMap<>();
        private final Map<String, InfoHash> names = new HashMap<>();

        /** Takes the info hash; null, or why not (given twice). */
        synchronized String claimHash(InfoHash h, String input) {
            String earlier = hashes.putIfAbsent(h, input);
            return earlier == null ? null : "the same torrent (" + h.hex() + ") as " + earlier + "; given once only";
        }

        /** Takes the torrent's name in the output folder; null, or why not (another torrent has it). */
        synchronized String claimName(Torrent t) {
            InfoHash earlier = names.putIfAbsent(t.name(), t.infoHash());
            if (earlier == null || earlier.equals(t.infoHash())) {
                return null;
            }
            return "'" + t.name() + "' is also the name of torrent " + earlier.hex()
                    + " in this run; refused rather than mixing their files (download it on its own, or with another -d)";
        }
    }

    /**
     * Runs every input on one client.
     *
     * @param magnets   whether magnet links are accepted ({@code download}) or not ({@code seed})
     * @param maxActive torrents running at once at most
     * @return the worst exit code among them
     */
    static int run(List<String> inputs, boolean magnets, Config config, SessionOptions options, PrintWriter out,
            Consumer<TorrentSession> attach, int maxActive, TorrentHost.Limits limits) {
        Result[] results = new Result[inputs.size()];
        try (ProgressBoard board = ProgressViews.board(options.json, options.progress, LoggingOptions.quiet(), out)) {
            Claims claims = new Claims();
            List<Job> jobs = new ArrayList<>();
            for (int i = 0; i < inputs.size(); i++) {
                String input = inputs.get(i);
                try {
                    Job job = read(i, input, magnets, config, options, claims);
                    jobs.add(job);
                } catch (RuntimeException e) {
                    ExitCode code = Main.exitCodeFor(e);
                    String msg = Main.oneLine(e);
                    results[i] = new Result(input, null, input, code, "error", msg);
                    Map<String, Object> f = new LinkedHashMap<>();
                    f.put("event", "error");
                    f.put("input", input);
                    f.put("message", msg);
                    f.put("exitCode", code.code);
                    board.error("btget: " + (msg.startsWith(input) ? msg : input + ": " + msg), f);
                }
            }
            for (Job job : jobs) {
                job.slot = board.slot(job.infoHash.hex(), job.label);
                job.view = new Recorded(job.slot, job);
            }
            if (!jobs.isEmpty()) {
                runJobs(jobs, config, options, attach, maxActive, limits, claims, results);
            }
            return summary(board, results);
        }
    }

    private static Job read(int index, String input, boolean magnets, Config config, SessionOptions options,
            Claims claims) {
        if (magnets && MagnetInput.isMagnet(input)) {
            MagnetLink magnet = MagnetInput.parse(input);
            // a torrent given twice is that, whatever else is wrong with the second (say, no tracker in it)
            String dup = claims.claimHash(MagnetInput.v1Hash(magnet), input);
            if (dup != null) {
                throw new UserError(ExitCode.USAGE, dup);
            }
            SessionRunner.MagnetPlan plan = SessionRunner.prepareMagnet(magnet, config, options, null);
            String label = plan.magnet().displayName().orElse(plan.infoHash().hex());
            return new Job(index, input, plan.infoHash(), label, null, null, plan);
        }
        Torrent t = TorrentInput.load(input);
        FileSelection selection = SelectionOptions.resolve(options.select.request(), t.files());
        String refused = claims.claimHash(t.infoHash(), input);
        if (refused == null) {
            refused = claims.claimName(t);
        }
        if (refused != null) {
            throw new UserError(ExitCode.USAGE, refused);
        }
        return new Job(index, input, t.infoHash(), t.name(), t, selection, null);
    }

    private static void runJobs(List<Job> jobs, Config config, SessionOptions options, Consumer<TorrentSession> attach,
            int maxActive, TorrentHost.Limits limits, Claims claims, Result[] results) {
        try (io.btget.client.Client client = io.btget.client.Client.of(config)) {
            Set<SessionRunner.Stopper> stoppers = ConcurrentHashMap.newKeySet();
            Signals.onStop(code -> stoppers.forEach(SessionRunner.Stopper::stop));
            List<Consumer<Runnable>> tasks = new ArrayList<>();
            for (Job job : jobs) {
                tasks.add(leave -> {
                    job.leaveQueue = leave;
                    results[job.index] = runOne(TorrentHost.of(client, limits), job, config, options, attach, claims,
                            stoppers);
                });
            }
            List<Integer> notStarted;
            try {
                // a platform thread per torrent, as the main thread of a single download: the session's loop waits
                // on a monitor (Object.wait), which would pin a virtual thread's carrier on JDK 21-23
                notStarted = TorrentQueue.runLeaving(tasks, maxActive, () -> Signals.received() != null,
                        Threads::startPlatform);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                notStarted = List.of();
            }
            for (int i : notStarted) {
                Job job = jobs.get(i);
                ExitCode code = Signals.received() != null ? Signals.received() : ExitCode.INTERRUPTED;
                Map<String, Object> f = new LinkedHashMap<>();
                f.put("event", "stopped");
                f.put("name", job.label);
                f.put("message", "stopped before it started");
                String line = "btget: stopped before it started";
                if (options.json) {
                    job.view.finish(line, f);
                } else {
                    job.view.fail(line, f);
                }
                job.slot.done();
                results[job.index] = new Result(job.input, job.infoHash.hex(), job.label, code, "stopped",
                        "stopped before it started");
            }
        }
    }

    private static Result runOne(io.btget.session.SessionHost client, Job job, Config config, SessionOptions options,
            Consumer<TorrentSession> attach, Claims claims, Set<SessionRunner.Stopper> stoppers) {
        SessionRunner.Stopper stopper = new SessionRunner.Stopper();
        stoppers.add(stopper);
        int code;
        try {
            if (job.magnet != null) {
                code = SessionRunner.runMagnet(client, job.view, job.magnet, config, options, null, stopper, attach, t -> {
                    job.label = t.name();
                    job.slot.relabel(t.name());
                    return claims.claimName(t);
                });
            } else {
                code = SessionRunner.runSession(client, job.view, job.torrent, config, options, List.of(), null, stopper,
                        job.selection, attach, t -> null);
            }
        } catch (RuntimeException e) {
            // as Main does for a single torrent: one line, its exit code; the others go on
            ExitCode c = Main.exitCodeFor(e);
            String msg = Main.oneLine(e);
            Map<String, Object> f = new LinkedHashMap<>();
            f.put("event", "error");
            f.put("name", job.label);
            f.put("message", msg);
            if (options.json) {
                job.view.finish("btget: " + msg, f);
            } else {
                job.view.fail("btget: " + msg, f);
            }
            code = c.code;
        } finally {
            stoppers.remove(stopper);
            job.slot.done();
        }
        return new Result(job.input, job.infoHash.hex(), job.label, WorstExit.fromCode(code),
                job.view.status == null ? "error" : job.view.status, job.view.message);
    }

    /** The closing summary: a line per input and the worst exit code (an {@code all_done} event with --json). */
    private static int summary(ProgressBoard board, Result[] results) {
        List<ExitCode> codes = new ArrayList<>();
        List<Map<String, Object>> each = new ArrayList<>();
        StringBuilder lines = new StringBuilder();
        int ok = 0;
        for (Result r : results) {
            codes.add(r.code());
            ok += r.code() == ExitCode.OK ? 1 : 0;
            Map<String, Object> t = new LinkedHashMap<>();
            t.put("input", r.input());
            if (r.infoHash() != null) {
                t.put("infoHash", r.infoHash());
            }
            t.put("name", r.name());
            t.put("status", r.status());
            t.put("exitCode", r.code().code);
            if (r.message() != null) {
                t.put("message", r.message());
            }
            each.add(t);
            lines.append(System.lineSeparator()).append(summaryLine(r));
        }
        ExitCode worst = WorstExit.of(codes);
        Map<String, Object> f = new LinkedHashMap<>();
        f.put("event", "all_done");
        f.put("torrents", each);
        f.put("exitCode", worst.code);
        String head = "btget: " + Units.count(results.length, "torrent") + ", " + ok + " succeeded, "
                + (results.length - ok) + " did not (exit " + worst.code + ")";
        board.event("all_done", head + lines, f);
        return worst.code;
    }

    /**
     * One input's line in the closing summary: "  NAME: STATUS (exit N)", then the message when it failed, without
     * a leading "NAME: " of its own (an unreadable input's message starts with its file name, which is its name).
     */
    static String summaryLine(Result r) {
        StringBuilder line = new StringBuilder("  ").append(r.name()).append(": ").append(r.status())
                .append(" (exit ").append(r.code().code).append(')');
        if (r.code() != ExitCode.OK && r.message() != null) {
            String message = r.message();
            if (message.startsWith(r.name() + ": ")) {
                message = message.substring(r.name().length() + 2);
            }
            line.append(": ").append(message);
        }
        return line.toString();
    }

    /** A torrent's view that remembers how it ended: the event of its summary or failure. */
    private static final class Recorded implements ProgressView {
        private final ProgressView view;
        private final Job job;
        volatile String status;
        volatile String message;

        Recorded(ProgressView view, Job job) {
            this.view = view;
            this.job = job;
        }

        /** "btget: stalled: ..." becomes "btget: NAME: stalled: ..." (a single download's lines name no torrent). */
        private String named(String line) {
            String label = job.label;
            if (line.startsWith("btget: ") && !line.startsWith("btget: " + label + ":")) {
                return "btget: " + label + ": " + line.substring("btget: ".length());
            }
            return line;
        }

        private void record(Map<String, Object> fields) {
            status = String.valueOf(fields.getOrDefault("event", "complete"));
            Object m = fields.get("message");
            message = m == null ? null : String.valueOf(m);
        }

        @Override
        public boolean machineReadable() {
            return view.machineReadable();
        }

        @Override
        public void update(String line, Map<String, Object> fields) {
            view.update(line, fields);
        }

        @Override
        public void update(StatusLine line, Map<String, Object> fields) {
            view.update(line, fields);
        }

        @Override
        public void notice(String type, String line, Map<String, Object> fields) {
            view.notice(type, line, fields);
        }

        @Override
        public void event(String type, String line, Map<String, Object> fields) {
            view.event(type, line, fields);
            if ("download_complete".equals(type)) {
                job.leaveQueue.run(); // seeding from here on: the next queued torrent may start
            }
        }

        @Override
        public void finish(String line, Map<String, Object> fields) {
            record(fields);
            view.finish(named(line), fields);
        }

        @Override
        public void fail(String line, Map<String, Object> fields) {
            record(fields);
            view.fail(named(line), fields);
        }

        @Override
        public void close() {
            view.close();
        }
    }
}
