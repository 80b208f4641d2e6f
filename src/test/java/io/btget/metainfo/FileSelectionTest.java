package io.btget.metainfo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.BitSet;
import java.util.List;
import org.junit.jupiter.api.Test;

class FileSelectionTest {
    /**
     * Piece length 10. Files (raw index: offset+length): 0 a.txt 0+15, 1 pad 15+5, 2 sub/b.mkv 20+12,
     * 3 sub/deep/c.mkv 32+3, 4 empty 35+0, 5 d.nfo 35+25. Pieces 0..5 (60 bytes).
     * User files (as 'btget info' numbers them): 1 a.txt, 2 sub/b.mkv, 3 sub/deep/c.mkv, 4 empty, 5 d.nfo.
     */
    private static final List<FileEntry> FILES = List.of(
            new FileEntry(List.of("a.txt"), 15, 0, false),
            new FileEntry(List.of(".pad", "5"), 5, 15, true),
            new FileEntry(List.of("sub", "b.mkv"), 12, 20, false),
            new FileEntry(List.of("sub", "deep", "c.mkv"), 3, 32, false),
            new FileEntry(List.of("empty"), 0, 35, false),
            new FileEntry(List.of("d.nfo"), 25, 35, false));

    private static FileSelection select(String spec) {
        return new FileSelection.Request(FileSelection.parseIndexes(spec), List.of(), List.of(), List.of()).resolve(FILES);
    }

    private static FileSelection globs(List<String> include, List<String> exclude) {
        return new FileSelection.Request(List.of(), include, exclude, List.of()).resolve(FILES);
    }

    private static List<Integer> selected(FileSelection s) {
        return java.util.stream.IntStream.range(0, FILES.size()).filter(s::isSelected).boxed().toList();
    }

    @Test
    void parsesAria2cIndexesFromOneWithRangesAndSpaces() {
        assertThat(FileSelection.parseIndexes("1,3-5")).containsExactly(
                new MagnetLink.IndexRange(0, 0), new MagnetLink.IndexRange(2, 4));
        assertThat(FileSelection.parseIndexes(" 2 , 4 - 5 ")).containsExactly(
                new MagnetLink.IndexRange(1, 1), new MagnetLink.IndexRange(3, 4));
    }

    @Test
    void refusesMalformedSpecsWithOneLine() {
        for (String bad : List.of("0", "1-", "-1", "3-1", "1,,2", "", ",", "a", "1.5", "1-2-3", "99999999999999999999",
                "2147483648", "1,\u001b[2J")) {
            assertThatThrownBy(() -> FileSelection.parseIndexes(bad)).as(bad)
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageStartingWith("--select-file: ")
                    .satisfies(e -> assertThat(e.getMessage()).doesNotContain("\n", "\u001b"));
        }
        assertThatThrownBy(() -> FileSelection.parseIndexes("0")).hasMessageContaining("start at 1");
        assertThatThrownBy(() -> FileSelection.parseIndexes("3-1")).hasMessageContaining("backwards");
        assertThatThrownBy(() -> FileSelection.parseIndexes("99999999999999999999")).hasMessageContaining("too large");
    }

    @Test
    void indexesCountUserFilesSkippingPadding() {
        assertThat(selected(select("2"))).containsExactly(2); // sub/b.mkv: the padding file has no number
        assertThat(selected(select("1,3-5"))).containsExactly(0, 3, 4, 5);
        assertThat(select("1-5").isAll()).isTrue();
    }

    @Test
    void anIndexPastTheFileCountNamesTheCountAndPointsToInfo() {
        assertThatThrownBy(() -> select("2,6")).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("--select-file: index 6 is past the torrent's 5 files (see 'btget info' for the numbers)");
        assertThatThrownBy(() -> select("1-2147483647")).hasMessageContaining("index 2147483647 is past");
    }

    @Test
    void globsWithoutSlashMatchNamesAtAnyDepthWithSlashThePath() {
        assertThat(selected(globs(List.of("*.mkv"), List.of()))).containsExactly(2, 3);
        assertThat(selected(globs(List.of("sub/*.mkv"), List.of()))).containsExactly(2);
        assertThat(selected(globs(List.of("sub/**"), List.of()))).containsExactly(2, 3);
        assertThat(selected(globs(List.of("[ab].*"), List.of()))).containsExactly(0, 2);
        assertThat(selected(globs(List.of(), List.of("*.mkv", "empty")))).containsExactly(0, 5);
    }

    @Test
    void orderIsSelectThenIncludeThenExclude() {
        FileSelection s = new FileSelection.Request(FileSelection.parseIndexes("1-3"), List.of("*.mkv", "*.txt"),
                List.of("c.*"), List.of()).resolve(FILES);
        assertThat(selected(s)).containsExactly(0, 2);
    }

    @Test
    void badGlobsAndEmptySelectionsAreOneLineErrors() {
        assertThatThrownBy(() -> globs(List.of("[a-"), List.of())).isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("--include: bad pattern '[a-'");
        assertThatThrownBy(() -> globs(List.of("{a,b"), List.of())).hasMessageStartingWith("--include: bad pattern");
        assertThatThrownBy(() -> globs(List.of("*.iso"), List.of()))
                .hasMessageContaining("leave no file of the torrent selected");
        assertThatThrownBy(() -> globs(List.of(), List.of("*")))
                .hasMessageContaining("leave no file of the torrent selected");
    }

    @Test
    void magnetSelectOnlyCountsTheWholeListFromZeroAndOnlyWhenTheUserChoseNothing() {
        List<MagnetLink.IndexRange> so = List.of(new MagnetLink.IndexRange(1, 2), new MagnetLink.IndexRange(40, 50));
        FileSelection s = FileSelection.Request.ALL.withSelectOnly(so).resolve(FILES);
        assertThat(selected(s)).containsExactly(2); // 1 is padding: never selected; 40-50 past the list: ignored
        FileSelection user = new FileSelection.Request(FileSelection.parseIndexes("1"), List.of(), List.of(), so)
                .resolve(FILES);
        assertThat(selected(user)).containsExactly(0);
        assertThatThrownBy(() -> FileSelection.Request.ALL.withSelectOnly(List.of(new MagnetLink.IndexRange(1, 1)))
                .resolve(FILES)).hasMessageContaining("so= selects no file");
    }

    @Test
    void wantedPiecesOverlapSelectedFilesButNeverForPaddingOrEmptyFiles() {
        // a.txt 0..14 -> pieces 0,1 (its padding fills piece 1 to 20: wants nothing more)
        assertThat(select("1").wantedPieces(10, 6)).isEqualTo(bits(0, 1));
        // c.mkv 32..34 -> piece 3 only, shared with b.mkv and d.nfo (a boundary piece)
        assertThat(select("3").wantedPieces(10, 6)).isEqualTo(bits(3));
        // empty file: no piece
        assertThat(select("4").wantedPieces(10, 6)).isEqualTo(new BitSet());
        assertThat(select("5").wantedPieces(10, 6)).isEqualTo(bits(3, 4, 5));
        assertThat(select("2").selectedLength()).isEqualTo(12);
        assertThat(select("2,5").selectedCount()).isEqualTo(2);
        assertThat(select("2").isSelected(FILES.get(2))).isTrue();
        assertThat(FileSelection.all(FILES).isSelected(1)).isFalse();
    }

    private static BitSet bits(int... pieces) {
        BitSet b = new BitSet();
        for (int p : pieces) {
            b.set(p);
        }
        return b;
    }
}
