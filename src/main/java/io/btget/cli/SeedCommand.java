package io.btget.cli;

import io.btget.metainfo.Torrent;
import io.btget.session.Config;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "seed", mixinStandardHelpOptions = true,
        description = {"Verify the data on disk, then seed it until a limit or a signal.",
            "Exits 6 without seeding when the data is incomplete.",
            "Several torrents are seeded by one process on one listen port. " + WorstExit.HELP})
final class SeedCommand implements Callable<Integer> {

    @Mixin
    SessionOptions session;

    @Parameters(paramLabel = "TORRENT", arity = "1..*", description = "The .torrent file, or an http(s) URL of one; several for several torrents.")
    java.util.List<String> torrents;

    @Option(names = "--torrent-upload-limit", paramLabel = "RATE", description = "Bytes per second for each torrent on its own, within --upload-limit (default: no limit).")
    String torrentUploadLimit = "0";

    @Option(names = "--seed-ratio", paramLabel = "R", description = "Stop when uploaded/size reaches R (default: inf, never).")
    String seedRatio;

    @Option(names = "--seed-time", paramLabel = "DURATION", description = "Stop after seeding this long (default: inf, never); 0: check the data and stop.")
    String seedTime;

    @Override
    public Integer call() {
        TorrentHost.Limits limits = new TorrentHost.Limits(0, SessionOptions.size("--torrent-upload-limit", torrentUploadLimit));
        Config config = session.toConfig(SessionOptions.seedPolicy(true, seedRatio, seedTime, true), true);
        if (torrents.size() > 1) {
            return MultiRunner.run(torrents, false, config, session, new java.io.PrintWriter(System.out), s -> { },
                    Integer.MAX_VALUE, limits);
        }
        Torrent t = TorrentInput.load(torrents.get(0));
        return SessionRunner.run(t, config, session, new java.io.PrintWriter(System.out), s -> { }, limits);
    }
}
