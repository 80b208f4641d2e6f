package io.btget.cli;

import static org.assertj.core.api.Assertions.assertThat;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.List;
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
    void withoutTheRestartMarkTheArgumentsAreUsedAsGiven() throws Exception {
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

    @Test
    void anArgumentWhoseBytesAreNotUtf8IsRefusedNotReadAsAnotherName() {
        // "/data/Müll" typed under a Latin-1 locale: FC is no UTF-8; read leniently it became "/data/M\uFFFDll"
        byte[] latin1 = "-d\0/data/M\u00fcll\0".getBytes(StandardCharsets.ISO_8859_1);
        assertThatThrownBy(() -> LocaleRestart.strictUtf8(latin1, 3, latin1.length - 1))
                .isInstanceOf(LocaleRestart.NotUtf8Argument.class)
                .hasMessageContaining("'/data/M\\xFCll'").hasMessageContaining("not UTF-8")
                .hasMessageContaining("LC_ALL=C.UTF-8");
        // the other members of the kind: a cut sequence, an overlong form, a surrogate, a stray continuation byte
        for (byte[] bad : List.of(new byte[] {'a', (byte) 0xC3}, new byte[] {(byte) 0xC0, (byte) 0xAF},
                new byte[] {(byte) 0xED, (byte) 0xA0, (byte) 0x80}, new byte[] {(byte) 0x80})) {
            assertThatThrownBy(() -> LocaleRestart.strictUtf8(bad, 0, bad.length))
                    .isInstanceOf(LocaleRestart.NotUtf8Argument.class);
        }
    }

    @Test
    void validUtf8ArgumentsAreReadExactly() throws Exception {
        byte[] raw = "/data/M\u00fcll \u2014 \ud83d\ude00".getBytes(StandardCharsets.UTF_8);
        assertThat(LocaleRestart.strictUtf8(raw, 0, raw.length)).isEqualTo("/data/M\u00fcll \u2014 \ud83d\ude00");
        assertThat(LocaleRestart.strictUtf8(raw, 0, 0)).isEmpty();
    }

    @Test
    void theRestartLocaleIsCUtf8ElseAnotherInstalledUtf8One() {
        assertThat(LocaleRestart.pickUtf8Locale(List.of("C", "C.utf8", "POSIX", "en_US.utf8"))).isEqualTo("C.UTF-8");
        assertThat(LocaleRestart.pickUtf8Locale(List.of("C", "POSIX", "de_DE.utf8", "en_US.utf8")))
                .isEqualTo("en_US.utf8");
        assertThat(LocaleRestart.pickUtf8Locale(List.of("C", "POSIX", "de_DE", "fr_FR.UTF-8"))).isEqualTo("fr_FR.UTF-8");
        // nothing listed (no locale program): glibc 2.35+ has C.UTF-8 built in; else the child's guards refuse
        assertThat(LocaleRestart.pickUtf8Locale(List.of("C", "POSIX", "de_DE.iso88591"))).isEqualTo("C.UTF-8");
        assertThat(LocaleRestart.pickUtf8Locale(List.of())).isEqualTo("C.UTF-8");
    }
}
