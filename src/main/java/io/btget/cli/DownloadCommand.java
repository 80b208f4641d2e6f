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
            "'btget FILE.torrent' is short for 'btget download FILE.torrent'."})
final class DownloadCommand implements Callable<Integer> {

    @Mixin
    SessionOptions session;

    @Parameters(paramLabel = "TORRENT", description = "The .torrent file, an http(s) URL of one, or a magnet link.")
    String torrent;

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
        Config config = session.toConfig(SessionOptions.seedPolicy(seed, seedRatio, seedTime, false));
        if (MagnetInput.isMagnet(torrent)) {
            return SessionRunner.runMagnet(MagnetInput.parse(torrent), config, session,
                    new java.io.PrintWriter(System.out), saveTorrent, attach);
        }
        if (saveTorrent != null) {
            throw new UserError(ExitCode.USAGE, "--save-torrent is for magnet links (" + torrent + " is a .torrent already)");
        }
        Torrent t = TorrentInput.load(torrent);
        return SessionRunner.run(t, config, session, new java.io.PrintWriter(System.out), attach);
    }
}
