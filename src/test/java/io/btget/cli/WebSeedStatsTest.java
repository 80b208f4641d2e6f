package io.btget.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.btget.cli.progress.ProgressView;
import io.btget.cli.progress.ProgressViews;
import io.btget.metainfo.Torrent;
import io.btget.session.Stats;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** Web seeds are shown as sources of their own, not mixed into the peer count. */
class WebSeedStatsTest {
    private static final Path TORRENT = Path.of(System.getProperty("btget.testdata", "testdata"), "torrents",
            "mktorrent-single.torrent");

    private static Stats stats(int peers) {
        return new Stats("downloading", 3L << 30, 1L << 30, 1L << 30, 0, 120e6, 0, peers, 5, 0, 10, 3072, 0, 0, 1000);
    }

    @Test
    void webSeedsHaveTheirOwnCountInTheLineAndInJson() throws Exception {
        Torrent torrent = Torrent.parse(Files.readAllBytes(TORRENT));
        StringWriter json = new StringWriter();
        ProgressView view = ProgressViews.choose(true, ProgressViews.Mode.AUTO, false, new PrintWriter(json));
        SessionRunner.Listener listener = new SessionRunner.Listener(view, torrent);
        Stats s = stats(1).withWebSeeds(2);
        listener.stats(s);
        assertThat(json.toString()).contains("\"peers\":1").contains("\"webSeeds\":2");
        assertThat(listener.line(s).full()).contains("peers 1/5").contains("2 web seeds");
        for (int width = 20; width <= 200; width++) {
            assertThat(listener.line(s).fit(width).length()).as("at %d", width).isLessThan(width);
        }
        assertThat(s.withDht(3, 4).webSeeds()).isEqualTo(2);

        StringWriter none = new StringWriter();
        SessionRunner.Listener without = new SessionRunner.Listener(
                ProgressViews.choose(true, ProgressViews.Mode.AUTO, false, new PrintWriter(none)), torrent);
        without.stats(stats(1));
        assertThat(none.toString()).doesNotContain("webSeeds");
        assertThat(without.line(stats(1)).full()).doesNotContain("web seed");
    }
}
