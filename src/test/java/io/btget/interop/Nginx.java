package io.btget.interop;

import java.io.IOException;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * nginx (Debian package nginx-light) on 127.0.0.1 in the foreground, with a configuration the test writes: the
 * usual field setup of a tracker behind a web server (gzip, redirects, proxying). Its access log records the status,
 * the content coding sent and the request's Upgrade header.
 */
final class Nginx implements AutoCloseable {
    /** In /usr/sbin, which is not on a non-root user's PATH on Debian. */
    static final Path BINARY = Path.of("/usr/sbin/nginx");

    /** Skips the calling test when nginx is truly not installed (CI installs it). */
    static void require() {
        org.junit.jupiter.api.Assumptions.assumeTrue(Files.isExecutable(BINARY), BINARY + " is not installed");
    }

    private final ManagedProcess process;
    private final Path root;
    private final int port;

    private Nginx(ManagedProcess process, Path root, int port) {
        this.process = process;
        this.root = root;
        this.port = port;
    }

    /** Starts nginx with {@code serverBlock} (the directives inside {@code server { }}, after {@code listen}). */
    static Nginx start(Path dir, Path logDir, String serverBlock) throws IOException, InterruptedException {
        Path root = Files.createDirectories(dir.resolve("nginx"));
        int port = Ports.free();
        String conf = "daemon off;\nmaster_process off;\nworker_processes 1;\npid " + root.resolve("nginx.pid") + ";\n"
                + "error_log " + root.resolve("error.log") + " info;\n"
                + "events { worker_connections 64; }\n"
                + "http {\n"
                + "  log_format t '$status $request_method $uri enc=\"$sent_http_content_encoding\" "
                + "upgrade=\"$http_upgrade\" ae=\"$http_accept_encoding\"';\n"
                + "  access_log " + root.resolve("access.log") + " t;\n"
                + "  client_body_temp_path " + root.resolve("body") + ";\n"
                + "  proxy_temp_path " + root.resolve("proxy") + ";\n"
                + "  fastcgi_temp_path " + root.resolve("fastcgi") + ";\n"
                + "  uwsgi_temp_path " + root.resolve("uwsgi") + ";\n"
                + "  scgi_temp_path " + root.resolve("scgi") + ";\n"
                + "  server {\n    listen 127.0.0.1:" + port + ";\n" + serverBlock + "\n  }\n}\n";
        Path confFile = root.resolve("nginx.conf");
        Files.writeString(confFile, conf);
        ManagedProcess p = ManagedProcess.start("nginx", logDir, root,
                List.of(BINARY.toString(), "-p", root.toString(), "-e", root.resolve("error.log").toString(), "-c",
                        confFile.toString()));
        Nginx nginx = new Nginx(p, root, port);
        try {
            p.await(nginx::acceptsConnections, Duration.ofSeconds(10), "nginx listening on " + port);
        } catch (AssertionError | InterruptedException e) {
            p.close();
            throw e;
        }
        return nginx;
    }

    String url(String path) {
        return "http://127.0.0.1:" + port + path;
    }

    String accessLog() throws IOException {
        Path log = root.resolve("access.log");
        return Files.exists(log) ? Files.readString(log) : "";
    }

    ManagedProcess process() {
        return process;
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
