package io.btget.cli.progress;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class StatusLineTest {
    private static StatusLine downloadLine() {
        return StatusLine.builder().add(" 42.1%", 100).add("[####------]", 20).add("1.20 GiB/2.90 GiB", 50)
                .add("DL 120 MiB/s", 90).add("UL 0 B/s", 30).add("peers 3/5", 70).add("ETA 15s", 60)
                .add("tracker: refused", 85).build();
    }

    @Test
    void neverReachesTheLastColumnAtAnyWidth() {
        for (int width = 1; width <= 200; width++) {
            String line = downloadLine().fit(width);
            assertThat(line.length()).as("width %d: '%s'", width, line).isLessThan(Math.max(1, width));
            assertThat(line).doesNotContain("\n", "\r");
        }
    }

    @Test
    void dropsTheLeastImportantPartsFirstAndKeepsTheOrder() {
        assertThat(downloadLine().fit(200)).isEqualTo(
                " 42.1% [####------] 1.20 GiB/2.90 GiB DL 120 MiB/s UL 0 B/s peers 3/5 ETA 15s tracker: refused");
        // the bar goes first, then the upload rate
        assertThat(downloadLine().fit(84)).isEqualTo(
                " 42.1% 1.20 GiB/2.90 GiB DL 120 MiB/s UL 0 B/s peers 3/5 ETA 15s tracker: refused");
        assertThat(downloadLine().fit(80)).isEqualTo(
                " 42.1% 1.20 GiB/2.90 GiB DL 120 MiB/s peers 3/5 ETA 15s tracker: refused");
        assertThat(downloadLine().fit(40)).isEqualTo(" 42.1% DL 120 MiB/s tracker: refused");
        assertThat(downloadLine().fit(20)).isEqualTo(" 42.1% DL 120 MiB/s");
        assertThat(downloadLine().fit(15)).isEqualTo(" 42.1%");
    }

    @Test
    void controlCharactersInAPartCannotMoveTheCursor() {
        String line = StatusLine.builder().add("tracker: \r\033[2Jevil\n", 1).build().fit(80);
        assertThat(line).doesNotContain("\r", "\n", "\033");
    }

    @Test
    void aSinglePartIsCut() {
        assertThat(StatusLine.of("x".repeat(100)).fit(30)).hasSize(29);
        assertThat(StatusLine.of("abc").fit(1)).isEmpty();
    }
}
