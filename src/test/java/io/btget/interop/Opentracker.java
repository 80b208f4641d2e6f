package io.btget.interop;

import java.io.IOException;
import java.io.InputStream;
import java.net.HttpURLConnection;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * opentracker (the Debian build is a closed tracker) on 127.0.0.1: HTTP and UDP announce on one port. Info hashes
 * must be {@link #allow allowed} before it tracks them. As root it chroots into its directory and runs as
 * {@code nobody}, so that directory and the whitelist are made world-readable.
 */
final class Opentracker implements AutoCloseable {
    private static final String DUMMY = "0000000000000000000000000000000000000000";

    private final Path root;
    private final int port;
    private final ManagedProcess process;
    private final List<String> allowed = new ArrayList<>(List.of(DUMMY));

    private Opentracker(Path root, int port, ManagedProcess process) {
        this.root = root;
        this.port = port;
        this.process = process;
    }

    static Opentracker start(Path dir) throws IOException, InterruptedException {
        Path root = Files.createDirectories(dir.resolve("opentracker"));
        Files.setPosixFilePermissions(root, PosixFilePermissions.fromString("rwxr-xr-x"));
        int port = Ports.free();
        boolean asRoot = "root".equals(System.getProperty("user.name"));
        Path whitelist = root.resolve("whitelist.txt");
        writeReadable(whitelist, DUMMY + "\n");
        // As root: chroot to the directory (whitelist path relative to it) and drop to nobody.
        String conf = "listen.tcp_udp 127.0.0.1:" + port + "\n"
                + (asRoot ? "access.whitelist whitelist.txt\ntracker.rootdir " + root + "\ntracker.user nobody\n"
                        : "access.whitelist " + whitelist + "\n");
        Path confFile = root.resolve("opentracker.conf");
        writeReadable(confFile, conf);
        ManagedProcess p = ManagedProcess.start("opentracker", dir.resolve("logs"), root,
                List.of("opentracker", "-f", confFile.toString()));
        Opentracker tracker = new Opentracker(root, port, p);
        try {
            p.await(tracker::acceptsConnections, Duration.ofSeconds(10), "listening TCP port " + port);
        } catch (AssertionError | InterruptedException e) {
            p.close();
            throw e;
        }
        return tracker;
    }

    private static void writeReadable(Path file, String text) throws IOException {
        Files.writeString(file, text);
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-r--r--"));
    }

    String httpAnnounce() {
        return "http://127.0.0.1:" + port + "/announce";
    }

    String udpAnnounce() {
        return "udp://127.0.0.1:" + port + "/announce";
    }

    /** Whitelists an info hash (40 hex digits), reloads the list with SIGHUP and waits until it is tracked. */
    void allow(String infoHashHex) throws IOException, InterruptedException {
        allowed.add(infoHashHex.toLowerCase(Locale.ROOT));
        writeReadable(root.resolve("whitelist.txt"), String.join("\n", allowed) + "\n");
        process.signal("HUP");
        process.await(() -> isTracked(infoHashHex), Duration.ofSeconds(10), "whitelisting of " + infoHashHex);
    }

    /** How many seeders ("complete") the tracker knows for the info hash, from an HTTP scrape. */
    int seeders(String infoHashHex) {
        return scrapeCount(infoHashHex, "8:completei");
    }

    private int scrapeCount(String infoHashHex, String key) {
        String body = get("/scrape?info_hash=" + percentEncode(infoHashHex));
        int i = body.indexOf(key);
        if (i < 0) {
            return 0;
        }
        int start = i + key.length();
        return Integer.parseInt(body.substring(start, body.indexOf('e', start)));
    }

    /** How many {@code completed} announces the tracker counted for the info hash ("downloaded" in a scrape). */
    int completedCount(String infoHashHex) {
        return scrapeCount(infoHashHex, "10:downloadedi");
    }

    int port() {
        return port;
    }

    /** How many leechers ("incomplete") the tracker knows for the info hash, from an HTTP scrape. */
    int leechers(String infoHashHex) {
        return scrapeCount(infoHashHex, "10:incompletei");
    }

    /** Waits until at least {@code count} seeders announced the info hash. */
    void awaitSeeders(String infoHashHex, int count, Duration timeout) throws InterruptedException {
        process.await(() -> seeders(infoHashHex) >= count, timeout, count + " seeder(s) of " + infoHashHex);
    }

    private boolean isTracked(String infoHashHex) {
        String body = get("/announce?info_hash=" + percentEncode(infoHashHex)
                + "&peer_id=-XX0000-probeprobepr&port=1&uploaded=0&downloaded=0&left=1&event=stopped&compact=1");
        return body.contains("8:interval");
    }

    private boolean acceptsConnections() {
        try (Socket s = new Socket("127.0.0.1", port)) {
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    private String get(String pathAndQuery) {
        try {
            HttpURLConnection c = (HttpURLConnection) URI.create("http://127.0.0.1:" + port + pathAndQuery).toURL()
                    .openConnection();
            c.setConnectTimeout(2000);
            c.setReadTimeout(2000);
            try (InputStream in = c.getResponseCode() < 400 ? c.getInputStream() : c.getErrorStream()) {
                return in == null ? "" : new String(in.readNBytes(64 * 1024), StandardCharsets.ISO_8859_1);
            } finally {
                c.disconnect();
            }
        } catch (IOException e) {
            return "";
        }
    }

    static String percentEncode(String hex) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < hex.length(); i += 2) {
            sb.append('%').append(hex, i, i + 2);
        }
        return sb.toString();
    }

    @Override
    public void close() {
        process.close();
    }
}
