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

    @Parameters(paramLabel = "TORRENT", description = "The .torrent file, or an http(s) URL of one.")
    String torrent;

    @Option(names = "--seed", description = "Keep seeding after the download completes, until interrupted or a limit below.")
    boolean seed;

    @Option(names = "--seed-ratio", paramLabel = "R", description = "Seed until uploaded/size reaches R, or inf (implies --seed).")
    String seedRatio;

    @Option(names = "--seed-time", paramLabel = "DURATION", description = "Seed for this long at most, or inf (implies --seed); 0: do not seed.")
    String seedTime;

    @Override
    public Integer call() {
        Config config = session.toConfig(SessionOptions.seedPolicy(seed, seedRatio, seedTime, false));
        Torrent t = TorrentInput.load(torrent);
        return SessionRunner.run(t, config, session, new java.io.PrintWriter(System.out));
    }
}
