package io.btget.metainfo;

import static io.btget.metainfo.PathRules.Platform.POSIX;
import static io.btget.metainfo.PathRules.Platform.WINDOWS;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.btget.metainfo.PathRules.Platform;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.DisabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;

class PathRulesTest {

    private static String clean(String component, Platform platform) {
        return PathRules.sanitiseComponent(component, "p", platform).orElseThrow();
    }

    @ParameterizedTest
    @EnumSource(Platform.class)
    void keepsOrdinaryNamesUnchanged(Platform platform) {
        assertThat(clean("Song 01 - intro.flac", platform)).isEqualTo("Song 01 - intro.flac");
        assertThat(clean(".hidden", platform)).isEqualTo(".hidden");
        assertThat(clean("…unicode ✓", platform)).isEqualTo("…unicode ✓");
        assertThat(clean("CONSOLE", platform)).isEqualTo("CONSOLE");
        assertThat(clean("12;30 meeting", platform)).isEqualTo("12;30 meeting");
    }

    @ParameterizedTest
    @EnumSource(Platform.class)
    void dropsEmptyAndDotComponents(Platform platform) {
        assertThat(PathRules.sanitiseComponent("", "p", platform)).isEmpty();
        assertThat(PathRules.sanitiseComponent(".", "p", platform)).isEmpty();
        assertThat(PathRules.sanitisePath(List.of("a", "", ".", "b"), "p", platform)).containsExactly("a", "b");
    }

    @ParameterizedTest
    @EnumSource(Platform.class)
    void rejectsDotDotAnywhereInThePath(Platform platform) {
        assertThatThrownBy(() -> PathRules.sanitisePath(List.of("a", "..", "b"), "info.files[2].path", platform))
                .isInstanceOf(InvalidTorrentException.class)
                .hasMessage("info.files[2].path[1] is '..' (would escape the output directory)");
    }

    @ParameterizedTest
    @EnumSource(Platform.class)
    void rejectsNul(Platform platform) {
        assertThatThrownBy(() -> clean("a\0", platform)).hasMessageContaining("NUL");
    }

    @ParameterizedTest
    @EnumSource(Platform.class)
    void replacesSlashAndControlCharactersEverywhere(Platform platform) {
        assertThat(clean("/etc/passwd", platform)).isEqualTo("_etc_passwd");
        assertThat(clean("a\nb\u007f\u001b[2J", platform)).isEqualTo("a_b__[2J");
        assertThat(clean("c1\u009b2J\u0085", platform)).isEqualTo("c1_2J_");
    }

    /** Issue 8 item 10: names only Windows cannot create stay byte-exact on Linux and macOS. */
    @ParameterizedTest
    @ValueSource(strings = {"CON", "con", "aux.txt", "nul", "NUL.tar.gz", "PRN", "COM1", "com9.log", "LPT9.log",
            "COM0", "CONIN$", "CLOCK$", "trailing dot.", "trailing space ", "...", "a<b>c", "x:y", "C:", "c:windows",
            "q?.txt", "star*", "pipe|", "quote\"d", "back\\slash", "..\\..\\x", "\\"})
    void keepsWindowsOnlyNamesExactlyOnPosix(String name) {
        assertThat(clean(name, POSIX)).isEqualTo(name);
        assertThat(clean(name, POSIX).getBytes(StandardCharsets.UTF_8)).isEqualTo(name.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void replacesWindowsSeparatorsAndForbiddenCharactersOnWindows() {
        assertThat(clean("..\\..\\x", WINDOWS)).isEqualTo(".._.._x");
        assertThat(clean("a<b>c:d\"e|f?g*h", WINDOWS)).isEqualTo("a_b_c_d_e_f_g_h");
        assertThat(clean("C:", WINDOWS)).isEqualTo("C_");
        assertThat(clean("c:windows", WINDOWS)).isEqualTo("c_windows");
    }

    @Test
    void prefixesReservedDeviceNamesOnWindows() {
        assertThat(clean("CON", WINDOWS)).isEqualTo("_CON");
        assertThat(clean("nul.txt", WINDOWS)).isEqualTo("_nul.txt");
        assertThat(clean("com1.tar.gz", WINDOWS)).isEqualTo("_com1.tar.gz");
        assertThat(clean("LPT9.log", WINDOWS)).isEqualTo("_LPT9.log");
        assertThat(clean("conin$", WINDOWS)).isEqualTo("_conin$");
        assertThat(clean("COM\u00b9", WINDOWS)).isEqualTo("_COM\u00b9");
        assertThat(clean("CON .txt", WINDOWS)).isEqualTo("_CON .txt");
        assertThat(clean("CONSOLE", WINDOWS)).isEqualTo("CONSOLE");
        assertThat(clean("COM10", WINDOWS)).isEqualTo("COM10");
    }

    @Test
    void replacesTrailingDotsAndSpacesOnWindows() {
        assertThat(clean("name.", WINDOWS)).isEqualTo("name_");
        assertThat(clean("name .. ", WINDOWS)).isEqualTo("name____");
        assertThat(clean("...", WINDOWS)).isEqualTo("___");
        assertThat(clean("aux.", WINDOWS)).isEqualTo("_aux_");
        assertThat(clean(".hidden", WINDOWS)).isEqualTo(".hidden");
    }

    @Test
    void choosesRulesByTheOperatingSystemName() {
        assertThat(Platform.of("Linux")).isEqualTo(POSIX);
        assertThat(Platform.of("Mac OS X")).isEqualTo(POSIX);
        assertThat(Platform.of("FreeBSD")).isEqualTo(POSIX);
        assertThat(Platform.of("Windows 11")).isEqualTo(WINDOWS);
        assertThat(Platform.of("Windows Server 2022")).isEqualTo(WINDOWS);
    }

    @Test
    @DisabledOnOs(OS.WINDOWS)
    void theDefaultRulesOffWindowsKeepWindowsOnlyNames() {
        assertThat(Platform.current()).isEqualTo(POSIX);
        assertThat(PathRules.sanitiseComponent("aux.txt", "p")).contains("aux.txt");
        assertThat(PathRules.sanitisePath(List.of("CON", "nul."), "p")).containsExactly("CON", "nul.");
    }

    @ParameterizedTest
    @EnumSource(Platform.class)
    void truncatesOverLongComponentsKeepingTheExtensionAndWholeCharacters(Platform platform) {
        String longName = "é".repeat(200) + ".mkv";
        String cut = clean(longName, platform);
        assertThat(cut.getBytes(StandardCharsets.UTF_8).length).isLessThanOrEqualTo(255);
        assertThat(cut).endsWith(".mkv").startsWith("éé").doesNotContain("\uFFFD");
        assertThat(clean("x".repeat(300), platform)).hasSize(255);
    }

    @Test
    void aPrefixedDeviceNameStillFitsTheComponentLimit() {
        String cut = clean("con." + "x".repeat(300), WINDOWS);
        assertThat(cut).startsWith("_con.");
        assertThat(cut.getBytes(StandardCharsets.UTF_8).length).isLessThanOrEqualTo(255);
    }

    @Test
    void escapedShowsEveryCharacterTheRulesReplaceAsControlOnOneLine() {
        assertThat(PathRules.escaped("a\nb\tc\rd")).isEqualTo("a\\nb\\tc\\rd");
        assertThat(PathRules.escaped("\u001b[1m\u0000\u007f\u0085\u009f")).isEqualTo("\\x1B[1m\\x00\\x7F\\u0085\\u009F");
        assertThat(PathRules.escaped("caf\u00e9 \u00a0 ok/\\")).as("printable text is kept").isEqualTo("caf\u00e9 \u00a0 ok/\\");
        // exactly the characters sanitiseComponent replaces as control characters (on POSIX, '/' aside)
        for (char c = 0; c < 0x100; c++) {
            if (c == 0 || c == '/') {
                continue;
            }
            String name = "x" + c;
            boolean renamed = !PathRules.sanitiseComponent(name, "t", PathRules.Platform.POSIX).orElseThrow().equals(name);
            assertThat(!PathRules.escaped(name).equals(name)).as("U+%04X", (int) c).isEqualTo(renamed);
        }
    }
}
