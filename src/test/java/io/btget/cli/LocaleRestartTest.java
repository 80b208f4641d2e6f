package io.btget.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.InvalidPathException;
import org.junit.jupiter.api.Test;

class LocaleRestartTest {
    @Test
    void argumentsTravelAsTheirBytesEachEndedByNul() {
        // not the tail of this JVM's command line, so they are taken as decoded, in UTF-8
        byte[] raw = LocaleRestart.rawArguments(new String[] {"caf\u00e9", "", "x y"});
        assertThat(raw).isEqualTo("caf\u00e9\0\0x y\0".getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void withoutTheRestartMarkTheArgumentsAreUsedAsGiven() {
        String[] args = {"verify", "t.torrent"};
        assertThat(LocaleRestart.arguments(args)).isSameAs(args);
    }

    @Test
    void aNameTheFileNameEncodingCannotExpressIsADiskErrorInOneLine() {
        InvalidPathException e = new InvalidPathException("caf\u00e9.torrent",
                "Malformed input or input contains unmappable characters");
        assertThat(Main.exitCodeFor(e)).isEqualTo(ExitCode.DISK);
        assertThat(Main.oneLine(e)).startsWith("cannot use the file name 'caf\u00e9.torrent': Malformed input")
                .doesNotContain("Exception");
    }
}
