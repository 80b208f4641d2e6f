package io.btget.cli;

import java.io.IOException;
import java.io.InputStream;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Properties;
import java.util.function.Supplier;
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
        footer = {})
public final class BtgetCommand implements Runnable {
    /**
     * The subcommands, in help order, added by {@link Main#commandLine()} rather than listed in the annotation:
     * picocli builds the model of every listed subcommand by reflection (0.1-0.2 s of CPU in all), so a process
     * that runs one command builds only that one ({@link Main#commandLine(String)}).
     */
    static final Map<String, Supplier<Object>> SUBCOMMANDS = subcommands();

    private static Map<String, Supplier<Object>> subcommands() {
        Map<String, Supplier<Object>> m = new LinkedHashMap<>();
        m.put("download", DownloadCommand::new);
        m.put("seed", SeedCommand::new);
        m.put("stream", StreamCommand::new);
        m.put("verify", VerifyCommand::new);
        m.put("info", InfoCommand::new);
        m.put("create", CreateCommand::new);
        m.put("generate-completion", AutoComplete.GenerateCompletion::new);
        m.put("tracker", TrackerCommand::new);
        m.put("dht", DhtCommand::new);
        return Collections.unmodifiableMap(m);
    }

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
