package io.btget.storage;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ResumeFileSweeperTest {
    private static final Instant NOW = Instant.parse("2026-12-01T02:00:00Z");

    @TempDir
    Path dir;

    private static String name(int i) {
        return String.format("%040x-%016x.resume", i, i);
    }

    private Path file(String name, Duration age) throws Exception {
        Path p = dir.resolve(name);
        Files.write(p, new byte[] {1});
        Files.setLastModifiedTime(p, FileTime.from(NOW.minus(age)));
        return p;
    }

    @Test
    void resumeFilesNotSavedForMonthsAndTemporaryFilesOfInterruptedSavesGo() throws Exception {
        Path old = file(name(1), ResumeFileSweeper.MAX_AGE.plusDays(1));
        Path recent = file(name(2), ResumeFileSweeper.MAX_AGE.minusDays(1));
        Path keep = file(name(3), ResumeFileSweeper.MAX_AGE.plusDays(10)); // the running torrent's: never
        Path oldTmp = file("." + name(4) + ".123456789.tmp", ResumeFileSweeper.TMP_AGE.plusMinutes(1));
        Path freshTmp = file("." + name(5) + ".987654321.tmp", Duration.ofSeconds(5)); // a save going on elsewhere
        Path foreign = file("notes.txt", Duration.ofDays(1000)); // not ours: never
        Path odd = file("ABCD-0123.resume", Duration.ofDays(1000)); // not a name btget writes
        Files.createDirectory(dir.resolve(name(6))); // a folder with a resume file's name: left alone
        Files.setLastModifiedTime(dir.resolve(name(6)), FileTime.from(NOW.minus(Duration.ofDays(1000))));

        assertThat(ResumeFileSweeper.sweep(dir, keep, NOW)).isEqualTo(2);
        assertThat(old).doesNotExist();
        assertThat(oldTmp).doesNotExist();
        assertThat(recent).exists();
        assertThat(keep).exists();
        assertThat(freshTmp).exists();
        assertThat(foreign).exists();
        assertThat(odd).exists();
        assertThat(dir.resolve(name(6))).isDirectory();
    }

    @Test
    void beyondTheCapTheLeastRecentlySavedGo() throws Exception {
        int n = ResumeFileSweeper.MAX_FILES + 5;
        for (int i = 0; i < n; i++) {
            file(name(i), Duration.ofMinutes(n - i)); // file 0 is the oldest
        }
        Path keep = dir.resolve(name(0)); // the oldest, but the running torrent's
        int removed = ResumeFileSweeper.sweep(dir, keep, NOW);
        assertThat(removed).isEqualTo(5); // 1005 files: 999 kept besides the running one's
        assertThat(keep).exists();
        for (int i = 1; i <= 5; i++) {
            assertThat(dir.resolve(name(i))).doesNotExist();
        }
        assertThat(dir.resolve(name(6))).exists();
        try (var s = Files.list(dir)) {
            assertThat(s.count()).isEqualTo(ResumeFileSweeper.MAX_FILES);
        }
    }

    @Test
    void aMissingFolderIsNothingToDo() {
        assertThat(ResumeFileSweeper.sweep(dir.resolve("none"), dir.resolve("none").resolve(name(1)), NOW)).isZero();
    }

    @Test
    void theFirstSaveOfAKeeperSweepsItsFolder() throws Exception {
        // Through ResumeFile's own temporary-file naming: a save leaves a name the sweeper recognises.
        Path target = dir.resolve(name(9));
        Path tmp = Files.createTempFile(dir, "." + target.getFileName() + ".", ".tmp");
        Files.setLastModifiedTime(tmp, FileTime.from(Instant.now().minus(ResumeFileSweeper.TMP_AGE.plusMinutes(5))));
        ResumeFileSweeper.sweepOnce(target);
        assertThat(tmp).doesNotExist();
    }
}
