package io.btget.cli;

import java.io.IOException;
import java.io.InputStream;
import java.util.Properties;
import picocli.AutoComplete;
import picocli.CommandLine.Command;
import picocli.CommandLine.IVersionProvider;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

@Command(name = "btget",
        mixinStandardHelpOptions = true,
        versionProvider = BtgetCommand.Version.class,
        description = {"A command-line BitTorrent downloader and seeder.",
            "'btget FILE.torrent [options]' is short for 'btget download FILE.torrent [options]'."},
        footer = {},
        subcommands = {
            DownloadCommand.class,
            SeedCommand.class,
            VerifyCommand.class,
            InfoCommand.class,
            CreateCommand.class,
            AutoComplete.GenerateCompletion.class,
            TrackerCommand.class,
            DhtCommand.class,
        })
public final class BtgetCommand implements Runnable {
    @Spec
    CommandSpec spec;

    @Mixin
    LoggingOptions logging;

    @Override
    public void run() {
        throw new ParameterException(spec.commandLine(), "missing command (try: btget --help)");
    }

    /** Reads the version Maven filtered into btget-version.properties. */
    static final class Version implements IVersionProvider {
        @Override
        public String[] getVersion() throws IOException {
            Properties p = new Properties();
            try (InputStream in = BtgetCommand.class.getResourceAsStream("/btget-version.properties")) {
                if (in != null) {
                    p.load(in);
                }
            }
            return new String[] {"btget " + p.getProperty("version", "unknown"),
                "Java " + System.getProperty("java.version") + " (" + System.getProperty("java.vm.name") + ")"};
        }
    }
}
