package io.btget.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.btget.metainfo.FileEntry;
import java.util.List;
import org.junit.jupiter.api.Test;

class FileLayoutTest {
    // a(10) | empty(0) | b(5) | pad(3) | c(20)  -> 38 bytes
    private final FileLayout layout = new FileLayout(List.of(
            new FileEntry(List.of("a"), 10, 0, false),
            new FileEntry(List.of("empty"), 0, 10, false),
            new FileEntry(List.of("b"), 5, 10, false),
            new FileEntry(List.of(".pad", "3"), 3, 15, true),
            new FileEntry(List.of("c"), 20, 18, false)), 16);

    @Test
    void splitsARangeAcrossFileBoundariesSkippingEmptyFiles() {
        assertThat(layout.spans(8, 10)).containsExactly(
                new FileSpan(0, 8, 2, 0),
                new FileSpan(2, 0, 5, 2),
                new FileSpan(3, 0, 3, 7));
    }

    @Test
    void mapsARangeInsideOneFile() {
        assertThat(layout.spans(20, 5)).containsExactly(new FileSpan(4, 2, 5, 0));
    }

    @Test
    void coversTheLastPieceExactly() {
        assertThat(layout.spans(32, 6)).containsExactly(new FileSpan(4, 14, 6, 0));
        assertThat(layout.totalLength()).isEqualTo(38);
    }

    @Test
    void rejectsRangesOutsideTheTorrent() {
        assertThatThrownBy(() -> layout.spans(30, 9)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> layout.spans(-1, 1)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void listsTheFilesAPieceTouches() {
        assertThat(layout.filesOfPiece(0, 16)).containsExactly(0, 2, 3);
        assertThat(layout.filesOfPiece(1, 16)).containsExactly(3, 4);
    }
}
