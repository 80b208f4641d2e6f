package io.btget.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** scripts/demo piped into a file prints its headings without terminal escape codes. */
@Tag("interop")
@Timeout(120)
class DemoIT {
    @Test
    void headingsArePlainWhenPiped() throws Exception {
        Path demo = Path.of("scripts", "demo").toAbsolutePath();
        // a stand-in btget that does nothing: the demo stops at its first check, after several headings
        ProcessBuilder pb = new ProcessBuilder("bash", demo.toString(), "--size", "1").redirectErrorStream(true);
        pb.environment().put("BTGET_CMD", "true");
        pb.environment().put("TERM", "xterm");
        pb.environment().remove("NO_COLOR");
        Process p = pb.start();
        byte[] out = p.getInputStream().readAllBytes();
        if (!p.waitFor(100, TimeUnit.SECONDS)) {
            p.destroyForcibly();
        }
        String text = new String(out, StandardCharsets.UTF_8);
        assertThat(text).contains("== creating sample.torrent").contains("== checking the result");
        assertThat(text).doesNotContain("\033");
    }
}
