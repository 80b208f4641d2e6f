package io.btget.cli;

import io.btget.tracker.IpLiterals;
import io.btget.tracker.server.TrackerServer;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.InetAddress;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code btget tracker}: runs the built-in HTTP + UDP tracker until SIGINT or SIGTERM. */
@Command(name = "tracker", mixinStandardHelpOptions = true,
        description = "Run a small BitTorrent tracker (HTTP announce/scrape and UDP, BEP 15) for local swarms.",
        footer = {"", "Peers are recorded with the address they connect from; ip= is honoured only for loopback peers."})
public final class TrackerCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = {"-p", "--port"}, paramLabel = "PORT", defaultValue = "6969",
            description = "TCP and UDP port to listen on (default: ${DEFAULT-VALUE}; 0 picks a free one).")
    int port;

    @Option(names = "--bind", paramLabel = "ADDRESS", defaultValue = "127.0.0.1",
            description = "Address to listen on (default: ${DEFAULT-VALUE}; 0.0.0.0 for every interface).")
    String bind;

    @Option(names = "--interval", paramLabel = "SECONDS", defaultValue = "30",
            description = "Announce interval handed to clients (default: ${DEFAULT-VALUE}).")
    int interval;

    @Override
    public Integer call() throws InterruptedException {
        if (port < 0 || port > 65535) {
            throw new UserError(ExitCode.USAGE, "--port must be 0..65535");
        }
        if (interval < 1 || interval > 86_400) {
            throw new UserError(ExitCode.USAGE, "--interval must be 1..86400 seconds");
        }
        InetAddress address = IpLiterals.parse(bind)
                .orElseThrow(() -> new UserError(ExitCode.USAGE, "--bind needs an IP address, got '" + bind + "'"));
        TrackerServer server = new TrackerServer(address, port, interval);
        int bound;
        try {
            bound = server.start();
        } catch (IOException e) {
            server.close();
            throw new UserError(ExitCode.NETWORK, "cannot listen on " + bind + ":" + port + ": " + e.getMessage(), e);
        }
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            server.close();
            stopped.countDown();
        }, "tracker-shutdown"));
        PrintWriter out = spec.commandLine().getOut();
        out.println("btget tracker listening on " + server.httpAnnounceUrl() + " and " + server.udpAnnounceUrl()
                + " (port " + bound + ", interval " + interval + " s)");
        out.flush();
        stopped.await();
        return ExitCode.OK.code;
    }
}
