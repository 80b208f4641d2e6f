package io.btget.storage;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Removes old resume files from the state directory's {@code resume} folder, which otherwise grows by one file per
 * torrent and data folder for ever.
 *
 * <p>Transmission and qBittorrent delete a torrent's resume file when the user removes the torrent from their
 * session, and aria2 deletes its {@code .aria2} control file when the download completes. btget has no list of
 * torrents to remove from, and keeps a complete torrent's file so that seeding it again starts without hashing; so
 * the rule is a cache's: a resume file only saves a hash check (losing one never loses data, the next start hashes
 * instead), hence
 * <ul>
 *   <li>a resume file not saved for {@link #MAX_AGE} goes;</li>
 *   <li>beyond {@link #MAX_FILES} resume files, the least recently saved go;</li>
 *   <li>a temporary file of an interrupted save older than {@link #TMP_AGE} goes (a save takes milliseconds to
 *       seconds; one still this old was left by a process that exited or died mid-save).</li>
 * </ul>
 * Only names btget itself writes are touched ({@code <40 hex>-<16 hex>.resume} and their {@code .tmp} files),
 * never through a link, and never the file of the running torrent. Runs once per folder and process, at the first
 * save; failures are logged at debug and ignored.
 */
public final class ResumeFileSweeper {
    private static final Logger log = LoggerFactory.getLogger(ResumeFileSweeper.class);

    /** A resume file not saved for this long is removed: a download left for three months starts with a hash check. */
    public static final Duration MAX_AGE = Duration.ofDays(90);
    /**
     * Resume files kept at most (about 100 bytes plus one bit per piece each: 1000 files of 4 GiB torrents with 1 MiB
     * pieces take about 1 MB).
     */
    public static final int MAX_FILES = 1000;
    /** A temporary file of a save older than this was left behind. */
    public static final Duration TMP_AGE = Duration.ofHours(1);
    /** Entries of the folder looked at, at most: a folder someone filled with millions of files costs bounded time. */
    static final int MAX_SCAN = 100_000;

    private static final Pattern RESUME = Pattern.compile("[0-9a-f]{40}-[0-9a-f]{16}\\.resume");
    private static final Pattern TMP = Pattern.compile("\\.[0-9a-f]{40}-[0-9a-f]{16}\\.resume\\.[0-9]+\\.tmp");
    private static final Set<Path> SWEPT = ConcurrentHashMap.newKeySet();

    private ResumeFileSweeper() {
    }

    /** {@link #sweep} of {@code keep}'s folder, the first time this process asks for that folder. */
    static void sweepOnce(Path keep) {
        Path dir = keep.toAbsolutePath().getParent();
        if (dir != null && SWEPT.add(dir)) {
            sweep(dir, keep, Instant.now());
        }
    }

    /**
     * Removes from {@code dir} what the rules above say, never {@code keep}.
     *
     * @return how many files were removed
     */
    static int sweep(Path dir, Path keep, Instant now) {
        List<Entry> resume = new ArrayList<>();
        int removed = 0;
        int seen = 0;
        Path kept = keep.toAbsolutePath().normalize();
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(dir)) {
            for (Path p : entries) {
                if (++seen > MAX_SCAN) {
                    break;
                }
                String name = p.getFileName().toString();
                boolean isResume = RESUME.matcher(name).matches();
                boolean isTmp = !isResume && TMP.matcher(name).matches();
                if ((!isResume && !isTmp) || p.toAbsolutePath().normalize().equals(kept)) {
                    continue;
                }
                BasicFileAttributes a;
                try {
                    a = Files.readAttributes(p, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
                } catch (IOException e) {
                    continue;
                }
                if (!a.isRegularFile()) {
                    continue;
                }
                Instant saved = a.lastModifiedTime().toInstant();
                Duration age = Duration.between(saved, now);
                if (age.compareTo(isTmp ? TMP_AGE : MAX_AGE) > 0) {
                    removed += delete(p, isTmp ? "left by an interrupted save" : "not saved for " + age.toDays()
                            + " days");
                } else if (isResume) {
                    resume.add(new Entry(p, saved));
                }
            }
        } catch (IOException | RuntimeException e) {
            log.debug("cannot look for old resume files in {}: {}", dir, e.toString());
            return removed;
        }
        int over = resume.size() + 1 - MAX_FILES; // the running torrent's file counts too
        if (over > 0) {
            resume.sort(Comparator.comparing(Entry::saved));
            for (int i = 0; i < over; i++) {
                removed += delete(resume.get(i).path(), "more than " + MAX_FILES + " resume files, the least recently"
                        + " saved go");
            }
        }
        return removed;
    }

    private static int delete(Path p, String why) {
        try {
            if (Files.deleteIfExists(p)) {
                log.debug("removed old resume file {}: {}", p, why);
                return 1;
            }
        } catch (IOException e) {
            log.debug("cannot remove old resume file {}: {}", p, e.toString());
        }
        return 0;
    }

    private record Entry(Path path, Instant saved) {
    }
}
