package io.btget.cli.progress;

import static org.assertj.core.api.Assertions.assertThat;

import io.btget.session.Stats;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.Map;
import org.junit.jupiter.api.Test;

class MetadataLineTest {
    private static final Stats FETCHING = Stats.metadata(3, 9, 2, 5, 12, 4_000);
    private static final Stats NO_SIZE_YET = Stats.metadata(0, 1, 0, 0, 0, 1_000);

    @Test
    void namesPeersAndMetadataPiecesNotBytes() {
        assertThat(MetadataLine.of(FETCHING, null).full())
                .isEqualTo("fetching metadata: 3 of 9 peers (2 with ut_metadata), 5/12 pieces");
        assertThat(MetadataLine.of(NO_SIZE_YET, null).full())
                .isEqualTo("fetching metadata: 0 of 1 peer (0 with ut_metadata), size not known yet")
                .doesNotContain("0 B").doesNotContain("%");
    }

    @Test
    void theStatsOfTheMetadataPhaseHaveNoPayloadFraction() {
        assertThat(NO_SIZE_YET.fraction()).isZero();
        assertThat(FETCHING.fraction()).isEqualTo(5 / 12.0);
        assertThat(FETCHING.etaSeconds()).isEqualTo(-1);
        assertThat(FETCHING.isMetadata()).isTrue();
    }

    @Test
    void fitsEveryWidthDroppingThePeersFirst() {
        StatusLine line = MetadataLine.of(FETCHING, "tracker: refused");
        for (int width = 1; width <= 200; width++) {
            assertThat(line.fit(width).length()).as("width %d", width).isLessThan(Math.max(width, 1));
        }
        assertThat(line.fit(200)).isEqualTo(
                "fetching metadata: 3 of 9 peers (2 with ut_metadata), 5/12 pieces tracker: refused");
        assertThat(line.fit(50)).isEqualTo("fetching metadata: 5/12 pieces tracker: refused");
        assertThat(line.fit(35)).isEqualTo("fetching metadata: 5/12 pieces");
    }

    @Test
    void theDhtPartOfATrackerlessMagnetOutlastsThePeersAndPiecesOnANarrowTerminal() {
        StatusLine line = MetadataLine.of(NO_SIZE_YET, null, "dht: 12 nodes, 0 peers");
        assertThat(line.fit(80)).contains("dht: 12 nodes, 0 peers");
        assertThat(line.fit(60)).isEqualTo("fetching metadata: dht: 12 nodes, 0 peers");
    }

    @Test
    void theLiveViewDrawsTheMetadataLine() {
        StringWriter sink = new StringWriter();
        try (LiveLineView view = new LiveLineView(new PrintWriter(sink), () -> 100)) {
            view.update(MetadataLine.of(FETCHING, null), Map.of());
            assertThat(LiveLineViewTest.screen(sink.toString()))
                    .containsExactly("fetching metadata: 3 of 9 peers (2 with ut_metadata), 5/12 pieces");
        }
    }

    @Test
    void thePlainViewPrintsTheWholeMetadataLine() {
        StringWriter sink = new StringWriter();
        try (PlainLinesView view = new PlainLinesView(new PrintWriter(sink), 0)) {
            view.update(MetadataLine.of(FETCHING, null), Map.of());
        }
        assertThat(sink.toString()).isEqualTo("fetching metadata: 3 of 9 peers (2 with ut_metadata), 5/12 pieces\n");
    }
}
