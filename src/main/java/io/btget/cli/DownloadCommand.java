package io.btget.cli;

import io.btget.metainfo.Torrent;
import io.btget.session.Config;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "download", mixinStandardHelpOptions = true,
        description = {"Download a torrent, verifying every piece; resumes whatever is already on disk.",
            "'btget FILE.torrent' is short for 'btget download FILE.torrent'.",
            "Several torrents run in one process: one listen port, one DHT node, the rate limits shared by all;"
                + " each goes into DIR under its own name. An input that cannot be read is reported and the others"
                + " still run. " + WorstExit.HELP})
final class DownloadCommand implements Callable<Integer> {

    @Mixin
    SessionOptions session;

    @Parameters(paramLabel = "TORRENT", arity = "1..*",
            description = "The .torrent file, an http(s) URL of one, or a magnet link; several for several torrents.")
    java.util.List<String> torrents;

    @Option(names = "--max-active", paramLabel = "N", description = "With several torrents: at most N download at once, the others wait in the order given; one that is done and seeds (--seed) frees its place (default: all at once).")
    Integer maxActive;

    @Option(names = "--torrent-download-limit", paramLabel = "RATE", description = "Bytes per second for each torrent on its own, within --download-limit: 500K, 2M (default: no limit).")
    String torrentDownloadLimit = "0";

    @Option(names = "--torrent-upload-limit", paramLabel = "RATE", description = "Bytes per second for each torrent on its own, within --upload-limit (default: no limit).")
    String torrentUploadLimit = "0";

    @Option(names = "--save-torrent", paramLabel = "FILE", description = "For a magnet link: write the fetched metadata as a .torrent file (with the magnet's trackers).")
    java.nio.file.Path saveTorrent;

    @Option(names = "--seed", description = "Keep seeding after the download completes, until interrupted or a limit below.")
    boolean seed;

    @Option(names = "--seed-ratio", paramLabel = "R", description = "Seed until uploaded/size reaches R, or inf (implies --seed).")
    String seedRatio;

    @Option(names = "--seed-time", paramLabel = "DURATION", description = "Seed for this long at most, or inf (implies --seed); 0: do not seed.")
    String seedTime;

    @Option(names = "--sequential", description = "Fetch pieces nearly in order (the rarest of the next few missing), so the start of each file is usable early.")
    boolean sequential;

    @Override
    public Integer call() {
        java.util.function.Consumer<io.btget.session.TorrentSession> attach = s -> {
            if (sequential) {
                s.downloadSequentially();
            }
        };
        if (maxActive != null && maxActive < 1) {
            throw new UserError(ExitCode.USAGE, "--max-active must be at least 1 (got " + maxActive + ")");
        }
        TorrentHost.Limits limits = new TorrentHost.Limits(SessionOptions.size("--torrent-download-limit", torrentDownloadLimit),
                SessionOptions.size("--torrent-upload-limit", torrentUploadLimit));
        Config config = session.toConfig(SessionOptions.seedPolicy(seed, seedRatio, seedTime, false));
        if (torrents.size() > 1) {
            if (saveTorrent != null) {
                throw new UserError(ExitCode.USAGE, "--save-torrent takes one magnet link, not " + torrents.size() + " inputs");
            }
            return MultiRunner.run(torrents, true, config, session, new java.io.PrintWriter(System.out), attach,
                    maxActive == null ? Integer.MAX_VALUE : maxActive, limits);
        }
        String torrent = torrents.get(0);
        if (MagnetInput.isMagnet(torrent)) {
            return SessionRunner.runMagnet(MagnetInput.parse(torrent), config, session,
                    new java.io.PrintWriter(System.out), saveTorrent, attach, limits);
        }
        if (saveTorrent != null) {
            throw new UserError(ExitCode.USAGE, "--save-torrent is for magnet links (" + torrent + " is a .torrent already)");
        }
        Torrent t = TorrentInput.load(torrent);
        return SessionRunner.run(t, config, session, new java.io.PrintWriter(System.out), attach, limits);
    }
}
