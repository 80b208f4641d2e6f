package io.btget.interop;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.HttpURLConnection;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * qbittorrent-nox 4.5.2 (Debian) on 127.0.0.1 with a profile written per process: legal notice accepted, peers on
 * interface {@code lo} only, {@code Session\MultiConnectionsPerIp=true} (every peer is 127.0.0.1), DHT, LSD, PeX,
 * UPnP and queueing off, plaintext only, and the Web UI on 127.0.0.1 without login from localhost
 * ({@code WebUI\LocalHostAuth=false}), through which torrents are added and their state polled (Web API v2).
 */
final class Qbittorrent implements AutoCloseable {
    private final ManagedProcess process;
    private final int peerPort;
    private final int webPort;

    private Qbittorrent(ManagedProcess process, int peerPort, int webPort) {
        this.process = process;
        this.peerPort = peerPort;
        this.webPort = webPort;
    }

    static void require() {
        Tools.require("qbittorrent-nox");
    }

    /** Starts qbittorrent-nox with a fresh profile under {@code work} and waits until its Web API answers. */
    static Qbittorrent start(Path work, String name) throws IOException, InterruptedException {
        require();
        int peerPort = Ports.free();
        int webPort = Ports.free();
        Path profile = work.resolve(name + "-profile");
        Path config = Files.createDirectories(profile.resolve("qBittorrent/config"));
        Files.writeString(config.resolve("qBittorrent.conf"), String.join("\n",
                "[LegalNotice]",
                "Accepted=true",
                "",
                "[BitTorrent]",
                "Session\\Port=" + peerPort,
                "Session\\Interface=lo",
                "Session\\InterfaceName=lo",
                "Session\\InterfaceAddress=127.0.0.1",
                "Session\\DHTEnabled=false",
                "Session\\LSDEnabled=false",
                "Session\\PeXEnabled=false",
                "Session\\MultiConnectionsPerIp=true",
                "Session\\Encryption=2", // 2: encryption off (plaintext in and out)
                "Session\\QueueingSystemEnabled=false",
                "",
                "[Preferences]",
                "General\\UseRandomPort=false",
                "Connection\\UPnP=false",
                "WebUI\\Enabled=true",
                "WebUI\\Address=127.0.0.1",
                "WebUI\\Port=" + webPort,
                "WebUI\\LocalHostAuth=false",
                "WebUI\\CSRFProtection=false",
                "WebUI\\HostHeaderValidation=false",
                ""));
        ManagedProcess p = ManagedProcess.start(name, work.resolve("logs"), work,
                List.of("qbittorrent-nox", "--profile=" + profile));
        Qbittorrent qb = new Qbittorrent(p, peerPort, webPort);
        try {
            p.await(() -> qb.get("/api/v2/app/version").startsWith("v"), Duration.ofSeconds(30), "its Web API");
        } catch (AssertionError | InterruptedException e) {
            p.close();
            throw e;
        }
        return qb;
    }

    int peerPort() {
        return peerPort;
    }

    ManagedProcess process() {
        return process;
    }

    /** Adds a .torrent to seed (or download) with its data in {@code saveDir}. */
    void addTorrent(Path torrent, Path saveDir) throws IOException {
        String boundary = "----btget" + System.nanoTime();
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        part(body, boundary, "savepath", null, saveDir.toString().getBytes(StandardCharsets.UTF_8));
        part(body, boundary, "torrents", torrent.getFileName().toString(), Files.readAllBytes(torrent));
        body.write(("--" + boundary + "--\r\n").getBytes(StandardCharsets.UTF_8));
        String answer = post("/api/v2/torrents/add", "multipart/form-data; boundary=" + boundary, body.toByteArray());
        if (!answer.startsWith("Ok")) {
            throw new AssertionError("qbittorrent refused the torrent: " + answer + "\n" + process.describe());
        }
    }

    /** The torrent's {@code state} as the Web API names it ("uploading", "stalledUP", "checkingUP", ...), or "". */
    String state(String infoHashHex) {
        String info = get("/api/v2/torrents/info?hashes=" + infoHashHex);
        int i = info.indexOf("\"state\":\"");
        return i < 0 ? "" : info.substring(i + 9, info.indexOf('"', i + 9));
    }

    /** Waits until the torrent is checked and seeding. */
    void awaitSeeding(String infoHashHex, Duration timeout) throws InterruptedException {
        process.await(() -> List.of("uploading", "stalledUP", "forcedUP", "queuedUP").contains(state(infoHashHex)),
                timeout, "seeding state of " + infoHashHex);
    }

    private static void part(ByteArrayOutputStream body, String boundary, String field, String fileName,
            byte[] content) throws IOException {
        String head = "--" + boundary + "\r\nContent-Disposition: form-data; name=\"" + field + "\""
                + (fileName == null ? "" : "; filename=\"" + fileName + "\"\r\nContent-Type: application/x-bittorrent")
                + "\r\n\r\n";
        body.write(head.getBytes(StandardCharsets.UTF_8));
        body.write(content);
        body.write("\r\n".getBytes(StandardCharsets.UTF_8));
    }

    private String get(String pathAndQuery) {
        try {
            HttpURLConnection c = open(pathAndQuery);
            return read(c);
        } catch (IOException e) {
            return "";
        }
    }

    private String post(String path, String contentType, byte[] body) throws IOException {
        HttpURLConnection c = open(path);
        c.setRequestMethod("POST");
        c.setDoOutput(true);
        c.setRequestProperty("Content-Type", contentType);
        try (OutputStream out = c.getOutputStream()) {
            out.write(body);
        }
        return read(c);
    }

    private HttpURLConnection open(String pathAndQuery) throws IOException {
        HttpURLConnection c = (HttpURLConnection) URI.create("http://127.0.0.1:" + webPort + pathAndQuery).toURL()
                .openConnection();
        c.setConnectTimeout(2000);
        c.setReadTimeout(5000);
        return c;
    }

    private static String read(HttpURLConnection c) throws IOException {
        try (InputStream in = c.getResponseCode() < 400 ? c.getInputStream() : c.getErrorStream()) {
            return in == null ? "" : new String(in.readNBytes(1 << 20), StandardCharsets.UTF_8);
        } finally {
            c.disconnect();
        }
    }

    @Override
    public void close() {
        process.close();
    }
}
