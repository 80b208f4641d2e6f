package io.btget.cli.progress;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.StringWriter;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class LiveBoardViewTest {

    /**
     * What a terminal shows for {@code raw}: handles {@code \r}, {@code \n}, erase to end of line ({@code ESC [K}),
     * cursor up ({@code ESC [nA}) and erase to end of screen ({@code ESC [J}), which is all the board sends.
     */
    static List<String> screen(String raw) {
        List<StringBuilder> rows = new ArrayList<>();
        rows.add(new StringBuilder());
        int row = 0;
        int col = 0;
        for (int i = 0; i < raw.length(); i++) {
            char c = raw.charAt(i);
            if (c == '\r') {
                col = 0;
            } else if (c == '\n') {
                row++;
                col = 0;
                if (row == rows.size()) {
                    rows.add(new StringBuilder());
                }
            } else if (c == '\033') {
                int end = i + 2;
                while (!Character.isLetter(raw.charAt(end))) {
                    end++;
                }
                String arg = raw.substring(i + 2, end);
                char cmd = raw.charAt(end);
                if (cmd == 'K') {
                    rows.get(row).setLength(Math.min(col, rows.get(row).length()));
                } else if (cmd == 'A') {
                    row = Math.max(0, row - (arg.isEmpty() ? 1 : Integer.parseInt(arg)));
                } else if (cmd == 'J') {
                    rows.get(row).setLength(Math.min(col, rows.get(row).length()));
                    while (rows.size() > row + 1) {
                        rows.remove(rows.size() - 1);
                    }
                }
                i = end;
            } else {
                StringBuilder r = rows.get(row);
                while (r.length() < col) {
                    r.append(' ');
                }
                if (col < r.length()) {
                    r.setCharAt(col, c);
                } else {
                    r.append(c);
                }
                col++;
            }
        }
        List<String> out = new ArrayList<>();
        rows.forEach(r -> out.add(r.toString()));
        return out;
    }

    private static Map<String, Object> f(long have, long total, long down) {
        return Map.of("verifiedBytes", have, "totalBytes", total, "downloadRate", down, "uploadRate", 0L);
    }

    @Test
    void aLinePerTorrentThenATotalEachFittedToTheWidth() {
        StringWriter raw = new StringWriter();
        LiveBoardView board = new LiveBoardView(new PrintWriter(raw), () -> 50, () -> { });
        ProgressBoard.Slot a = board.slot("aa", "alpha.iso");
        ProgressBoard.Slot b = board.slot("bb", "a-very-long-torrent-name-that-goes-on-and-on.mkv");
        a.update(StatusLine.builder().add(" 50.0%", 100).add("[#####-----]", 20).add("DL 1.00 MiB/s", 90).build(),
                f(512, 1024, 1 << 20));
        List<String> shown = screen(raw.toString());
        assertThat(shown).hasSize(3);
        assertThat(shown.get(0)).startsWith("alpha.iso:  50.0%").contains("DL 1.00 MiB/s");
        assertThat(shown.get(1)).startsWith("a-very-long-torrent-nam~: queued");
        assertThat(shown.get(2)).startsWith("total:").contains("50.0%").contains("DL 1.00 MiB/s");
        assertThat(shown).allMatch(l -> l.length() <= 49);
        board.close();
        assertThat(screen(raw.toString())).containsExactly("");
    }

    @Test
    void aFinishedTorrentLeavesItsSummaryAboveAndLogLinesNeverMixWithTheBoard() {
        StringWriter raw = new StringWriter();
        LiveBoardView board = new LiveBoardView(new PrintWriter(raw), () -> 80, () -> { });
        ProgressBoard.Slot a = board.slot("aa", "alpha");
        ProgressBoard.Slot b = board.slot("bb", "beta");
        a.update(StatusLine.of("10%"), f(1, 10, 5));
        b.update(StatusLine.of("20%"), f(2, 10, 7));
        board.printAbove(() -> raw.write("a log line\n"));
        a.finish("alpha: 10 B complete in 1.0s", f(10, 10, 0));
        a.done();
        List<String> shown = screen(raw.toString());
        assertThat(shown).containsExactly("a log line", "alpha: 10 B complete in 1.0s", "beta: 20%",
                "total: 1 running, 0 queued, 1 done  60.0% 12 B/20 B DL 7 B/s UL 0 B/s");
        assertThat(LiveLineView.active()).isSameAs(board);
        board.close();
        assertThat(LiveLineView.active()).isNull();
    }

    @Test
    void onANarrowTerminalEveryLineKeepsItsPercentageAndTheTotalItsRate() {
        StringWriter raw = new StringWriter();
        LiveBoardView board = new LiveBoardView(new PrintWriter(raw), () -> 30, () -> { });
        ProgressBoard.Slot a = board.slot("aa", "a_very_long_file_name_for_a_torrent_that_goes_on_and_on_and_on.bin");
        ProgressBoard.Slot b = board.slot("bb", "short");
        a.update(StatusLine.builder().add(" 36.9%", 100).add("[####------]", 20).add("DL 1.00 MiB/s", 90).build(),
                f(369, 1000, 1 << 20));
        b.update(StatusLine.builder().add(" 10.0%", 100).add("[#---------]", 20).build(), f(100, 1000, 0));
        List<String> shown = screen(raw.toString());
        assertThat(shown).hasSize(3).allMatch(l -> l.length() <= 29);
        assertThat(shown.get(0)).startsWith("a_very_long_fi~:").contains("36.9%");
        assertThat(shown.get(1)).startsWith("short:").contains("10.0%");
        assertThat(shown.get(2)).startsWith("total:").contains("23.5%").contains("DL 1.00 MiB/s");
        board.close();
    }
}
