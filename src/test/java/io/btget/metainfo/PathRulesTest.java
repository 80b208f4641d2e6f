package io.btget.metainfo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

class PathRulesTest {

    private static String clean(String component) {
        return PathRules.sanitiseComponent(component, "p").orElseThrow();
    }

    @Test
    void keepsOrdinaryNamesUnchanged() {
        assertThat(clean("Song 01 - intro.flac")).isEqualTo("Song 01 - intro.flac");
        assertThat(clean(".hidden")).isEqualTo(".hidden");
        assertThat(clean("…unicode ✓")).isEqualTo("…unicode ✓");
    }

    @Test
    void dropsEmptyAndDotComponents() {
        assertThat(PathRules.sanitiseComponent("", "p")).isEmpty();
        assertThat(PathRules.sanitiseComponent(".", "p")).isEmpty();
        assertThat(PathRules.sanitisePath(List.of("a", "", ".", "b"), "p")).containsExactly("a", "b");
    }

    @Test
    void rejectsDotDotAnywhereInThePath() {
        assertThatThrownBy(() -> PathRules.sanitisePath(List.of("a", "..", "b"), "info.files[2].path"))
                .isInstanceOf(InvalidTorrentException.class)
                .hasMessage("info.files[2].path[1] is '..' (would escape the output directory)");
    }

    @Test
    void rejectsNul() {
        assertThatThrownBy(() -> clean("a\0")).hasMessageContaining("NUL");
    }

    @Test
    void replacesSeparatorsAndControlCharactersInsideAComponent() {
        assertThat(clean("/etc/passwd")).isEqualTo("_etc_passwd");
        assertThat(clean("..\\..\\x")).isEqualTo(".._.._x");
        assertThat(clean("a\nb\u007f")).isEqualTo("a_b_");
    }

    @Test
    void neverLetsAComponentLookLikeADriveLetter() {
        assertThat(clean("C:")).isEqualTo("C_");
        assertThat(clean("c:windows")).isEqualTo("c_windows");
        assertThat(clean("12:30 meeting")).isEqualTo("12:30 meeting");
    }

    @Test
    void prefixesReservedWindowsDeviceNames() {
        assertThat(clean("CON")).isEqualTo("_CON");
        assertThat(clean("nul.txt")).isEqualTo("_nul.txt");
        assertThat(clean("com1.tar.gz")).isEqualTo("_com1.tar.gz");
        assertThat(clean("CONSOLE")).isEqualTo("CONSOLE");
    }

    @Test
    void truncatesOverLongComponentsKeepingTheExtensionAndWholeCharacters() {
        String longName = "é".repeat(200) + ".mkv";
        String cut = clean(longName);
        assertThat(cut.getBytes(StandardCharsets.UTF_8).length).isLessThanOrEqualTo(255);
        assertThat(cut).endsWith(".mkv").startsWith("éé").doesNotContain("\uFFFD");
        assertThat(clean("x".repeat(300))).hasSize(255);
    }
}
