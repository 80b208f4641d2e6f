package io.btget.metainfo;

import java.nio.file.FileSystems;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.nio.file.PathMatcher;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;
import java.util.regex.PatternSyntaxException;

/**
 * Which files of a torrent the user wants: {@code --select-file}, {@code --include}, {@code --exclude}, or a magnet's
 * BEP 53 {@code so=}. Pure: no I/O. BEP 47 padding files are never selected and never make a piece wanted.
 *
 * <p>Numbering: {@code --select-file} counts as aria2c and {@code btget info} do, from 1, over the files a user sees
 * (padding files left out); BEP 53 {@code so=} counts from 0 over the info dictionary's file list (padding files
 * included), as libtorrent reads it.
 */
public final class FileSelection {
    /** More comma-separated parts than this in one {@code --select-file} is not a selection anyone types. */
    public static final int MAX_SPEC_PARTS = 10_000;

    private final List<FileEntry> files;
    /** Indexed like {@code files}; padding files always false. */
    private final boolean[] selected;
    private final boolean all;

    private FileSelection(List<FileEntry> files, boolean[] selected) {
        this.files = List.copyOf(files);
        this.selected = selected;
        boolean every = true;
        for (int i = 0; i < selected.length; i++) {
            if (!selected[i] && !this.files.get(i).padding()) {
                every = false;
            }
        }
        this.all = every;
    }

    /** Every (non-padding) file of {@code files}. */
    public static FileSelection all(List<FileEntry> files) {
        boolean[] s = new boolean[files.size()];
        for (int i = 0; i < s.length; i++) {
            s[i] = !files.get(i).padding();
        }
        return new FileSelection(files, s);
    }

    /**
     * What the user asked before the torrent's file list is known (a magnet's is not until its metadata arrives).
     *
     * @param userIndexes {@code --select-file}: ranges of 0-based indexes over the user files (empty: all)
     * @param include     {@code --include} globs (empty: no filter)
     * @param exclude     {@code --exclude} globs
     * @param selectOnly  BEP 53 {@code so=} ranges over the whole file list, used only when the three above are empty
     */
    public record Request(List<MagnetLink.IndexRange> userIndexes, List<String> include, List<String> exclude,
            List<MagnetLink.IndexRange> selectOnly) {
        public static final Request ALL = new Request(List.of(), List.of(), List.of(), List.of());

        public Request {
            userIndexes = List.copyOf(userIndexes);
            include = List.copyOf(include);
            exclude = List.copyOf(exclude);
            selectOnly = List.copyOf(selectOnly);
        }

        /** This request with a magnet's {@code so=} ranges. */
        public Request withSelectOnly(List<MagnetLink.IndexRange> so) {
            return new Request(userIndexes, include, exclude, so);
        }

        /** Whether the user gave any of --select-file, --include, --exclude. */
        public boolean userChose() {
            return !userIndexes.isEmpty() || !include.isEmpty() || !exclude.isEmpty();
        }

        /**
         * Resolves the request against a torrent's file list. Order: start from {@code --select-file} (or every file),
         * keep only files that match some {@code --include} (when any is given), drop files that match any
         * {@code --exclude}. With none of the three, BEP 53 {@code so=} decides (indexes past the list are ignored, as
         * a magnet is not the user's typing).
         *
         * @throws IllegalArgumentException with a one-line message for the user: an index past the file count, a bad
         *     glob, or a selection left with no file
         */
        public FileSelection resolve(List<FileEntry> files) {
            List<Integer> user = new ArrayList<>();
            for (int i = 0; i < files.size(); i++) {
                if (!files.get(i).padding()) {
                    user.add(i);
                }
            }
            boolean[] s = new boolean[files.size()];
            if (!userChose()) {
                if (selectOnly.isEmpty()) {
                    return all(files);
                }
                for (MagnetLink.IndexRange r : selectOnly) {
                    for (long i = r.first(); i <= r.last() && i < files.size(); i++) {
                        s[(int) i] = !files.get((int) i).padding();
                    }
                }
                return nonEmpty(files, s, "the magnet's so= selects no file of the torrent");
            }
            if (userIndexes.isEmpty()) {
                user.forEach(i -> s[i] = true);
            }
            for (MagnetLink.IndexRange r : userIndexes) {
                if (r.last() >= user.size()) {
                    throw new IllegalArgumentException("--select-file: index " + ((long) r.last() + 1)
                            + " is past the torrent's " + user.size() + " file" + (user.size() == 1 ? "" : "s")
                            + " (see 'btget info' for the numbers)");
                }
                for (int i = r.first(); i <= r.last(); i++) {
                    s[user.get(i)] = true;
                }
            }
            if (!include.isEmpty()) {
                List<Glob> globs = compile("--include", include);
                for (int i : user) {
                    s[i] = s[i] && globs.stream().anyMatch(g -> g.matches(files.get(i)));
                }
            }
            List<Glob> drop = compile("--exclude", exclude);
            for (int i : user) {
                if (s[i] && drop.stream().anyMatch(g -> g.matches(files.get(i)))) {
                    s[i] = false;
                }
            }
            return nonEmpty(files, s, "--select-file/--include/--exclude leave no file of the torrent selected"
                    + " (see 'btget info' for its files)");
        }

        private static FileSelection nonEmpty(List<FileEntry> files, boolean[] s, String message) {
            for (boolean b : s) {
                if (b) {
                    return new FileSelection(files, s);
                }
            }
            throw new IllegalArgumentException(message);
        }
    }

    /**
     * Parses aria2c's {@code --select-file} syntax: indexes from 1 and inclusive ranges, comma separated, spaces
     * tolerated ({@code 1,3-5}).
     *
     * @return the ranges, 0-based
     * @throws IllegalArgumentException with a one-line message for the user
     */
    public static List<MagnetLink.IndexRange> parseIndexes(String spec) {
        List<MagnetLink.IndexRange> out = new ArrayList<>();
        String[] parts = spec.split(",", -1);
        if (parts.length > MAX_SPEC_PARTS) {
            throw new IllegalArgumentException("--select-file: more than " + MAX_SPEC_PARTS + " parts");
        }
        for (String raw : parts) {
            String part = raw.strip();
            if (part.isEmpty()) {
                throw new IllegalArgumentException("--select-file: empty part in '" + printable(spec)
                        + "' (expected indexes and ranges from 1, like 1,3-5)");
            }
            int dash = part.indexOf('-');
            int first = index(dash < 0 ? part : part.substring(0, dash), spec);
            int last = dash < 0 ? first : index(part.substring(dash + 1), spec);
            if (last < first) {
                throw new IllegalArgumentException("--select-file: range " + printable(part) + " runs backwards");
            }
            out.add(new MagnetLink.IndexRange(first - 1, last - 1));
        }
        return out;
    }

    private static int index(String text, String spec) {
        String t = text.strip();
        if (t.isEmpty() || !t.chars().allMatch(c -> c >= '0' && c <= '9')) {
            throw new IllegalArgumentException("--select-file: '" + printable(spec)
                    + "' is not a list of indexes and ranges from 1, like 1,3-5");
        }
        if (t.length() > 10) {
            throw new IllegalArgumentException("--select-file: index " + printable(t) + " is too large");
        }
        long n = Long.parseLong(t);
        if (n == 0) {
            throw new IllegalArgumentException("--select-file: indexes start at 1 (see 'btget info'), got 0");
        }
        if (n > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("--select-file: index " + n + " is too large");
        }
        return (int) n;
    }

    /** A glob over a file: a pattern without '/' matches the name at any depth, one with '/' the whole path. */
    private record Glob(PathMatcher matcher, boolean wholePath) {
        boolean matches(FileEntry f) {
            try {
                return matcher.matches(Path.of(wholePath ? f.displayPath() : f.path().get(f.path().size() - 1)));
            } catch (InvalidPathException e) {
                return false; // a name this file system cannot hold is never matched
            }
        }
    }

    private static List<Glob> compile(String flag, List<String> patterns) {
        List<Glob> out = new ArrayList<>();
        for (String p : patterns) {
            if (p.isEmpty()) {
                throw new IllegalArgumentException(flag + ": empty pattern");
            }
            try {
                out.add(new Glob(FileSystems.getDefault().getPathMatcher("glob:" + p), p.indexOf('/') >= 0));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(flag + ": bad pattern '" + printable(p) + "'"
                        + (e instanceof PatternSyntaxException pse ? ": " + pse.getDescription() : ""));
            }
        }
        return out;
    }

    private static String printable(String s) {
        String t = s.length() > 80 ? s.substring(0, 80) + "..." : s;
        return t.replaceAll("\\p{Cntrl}", "?");
    }

    // ---- the resolved selection ----

    /** Whether every (non-padding) file is selected: then nothing differs from downloading the whole torrent. */
    public boolean isAll() {
        return all;
    }

    /** Whether file {@code fileIndex} (of the whole list, padding included) is selected; never a padding file. */
    public boolean isSelected(int fileIndex) {
        return selected[fileIndex];
    }

    /** Whether {@code file} (an entry of this selection's list) is selected. */
    public boolean isSelected(FileEntry file) {
        int i = files.indexOf(file);
        return i >= 0 && selected[i];
    }

    /** How many files are selected. */
    public int selectedCount() {
        int n = 0;
        for (boolean b : selected) {
            n += b ? 1 : 0;
        }
        return n;
    }

    /** How many files a user sees (padding left out). */
    public int userFileCount() {
        int n = 0;
        for (FileEntry f : files) {
            n += f.padding() ? 0 : 1;
        }
        return n;
    }

    /** Bytes of the selected files. */
    public long selectedLength() {
        long n = 0;
        for (int i = 0; i < selected.length; i++) {
            n += selected[i] ? files.get(i).length() : 0;
        }
        return n;
    }

    /** The pieces that overlap a selected file (empty files and padding make none wanted). */
    public BitSet wantedPieces(int pieceLength, int pieceCount) {
        BitSet wanted = new BitSet(pieceCount);
        for (int i = 0; i < selected.length; i++) {
            FileEntry f = files.get(i);
            if (selected[i] && f.length() > 0) {
                int first = (int) (f.offset() / pieceLength);
                int last = (int) Math.min(pieceCount - 1L, (f.end() - 1) / pieceLength);
                wanted.set(first, last + 1);
            }
        }
        return wanted;
    }
}
