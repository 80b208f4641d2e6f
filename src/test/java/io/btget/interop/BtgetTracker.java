package io.btget.interop;

import java.io.IOException;
import java.net.Socket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/** {@code btget tracker}: the built-in HTTP + UDP tracker on one port of 127.0.0.1. */
final class BtgetTracker implements AutoCloseable {
    private final ManagedProcess process;
    private final int port;

    private BtgetTracker(ManagedProcess process, int port) {
        this.process = process;
        this.port = port;
    }

    static BtgetTracker start(Path logDir, Path workDir, String... extra) throws IOException, InterruptedException {
        int port = Ports.free();
        List<String> args = new ArrayList<>(List.of("tracker", "--port", Integer.toString(port),
                "--bind", "127.0.0.1"));
        args.addAll(List.of(extra));
        ManagedProcess p = ManagedProcess.start("btget-tracker-" + port, logDir, workDir, BtgetProcess.command(args));
        BtgetTracker tracker = new BtgetTracker(p, port);
        try {
            p.await(tracker::acceptsConnections, Duration.ofSeconds(20), "listening TCP port " + port);
        } catch (AssertionError | InterruptedException e) {
            p.close();
            throw e;
        }
        return tracker;
    }

    ManagedProcess process() {
        return process;
    }

    String httpAnnounce() {
        return "http://127.0.0.1:" + port + "/announce";
    }

    String udpAnnounce() {
        return "udp://127.0.0.1:" + port + "/announce";
    }

    private boolean acceptsConnections() {
        try (Socket s = new Socket("127.0.0.1", port)) {
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    @Override
    public void close() {
        process.close();
    }
}
