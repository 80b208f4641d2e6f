package io.btget.interop;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * scripts/class-archive, which scripts/btget and the benchmarks use: it trains a class-data archive on a real
 * download between two btget processes on 127.0.0.1, and the JVM running this test accepts the archive (with
 * {@code -Xshare:on} a JVM refuses to start on an archive it cannot map) and finds btget's download path in it.
 */
@Timeout(value = 150, unit = TimeUnit.SECONDS)
class ClassArchiveIT {
    private static String java() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }

    private static String run(Path dir, List<String> command) throws IOException, InterruptedException {
        ProcessBuilder pb = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true);
        pb.environment().put("JAVA", java());
        Process p = pb.start();
        byte[] out = p.getInputStream().readAllBytes();
        if (!p.waitFor(120, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("timed out: " + command);
        }
        String text = new String(out, StandardCharsets.UTF_8);
        assertThat(p.exitValue()).as("exit of %s, output:%n%s", command, text).isZero();
        return text;
    }

    @Test
    void theArchiveItTrainsOnADownloadIsAcceptedAndHoldsTheDownloadPath(@TempDir Path dir) throws Exception {
        Tools.requireJar();
        Path archive = dir.resolve("btget.jsa");
        String jar = BtgetProcess.jar().toString();
        run(dir, List.of("bash", Tools.repositoryRoot().resolve("scripts/class-archive").toString(), jar,
                archive.toString(), "-XX:+UseSerialGC"));
        assertThat(archive).isRegularFile();
        try (var leftovers = Files.list(dir)) {
            assertThat(leftovers.map(p -> p.getFileName().toString())).containsExactly("btget.jsa");
        }
        List<String> command = new ArrayList<>(List.of(java(), "-XX:SharedArchiveFile=" + archive, "-Xshare:on",
                "-XX:+UseSerialGC", "-Xlog:class+load=info", "-cp", jar, "io.btget.cli.Main", "--version"));
        String loaded = run(dir, command);
        assertThat(loaded).contains("btget ");
        // A class the training download loaded comes from the archive, not from the jar.
        assertThat(loaded).contains("io.btget.cli.BtgetCommand source: shared objects file");
    }
}
