package io.btget.metainfo;

import java.util.List;

/**
 * One file of a torrent.
 *
 * @param path    sanitised path components relative to the torrent's root folder (for a single-file torrent,
 *                one component: the torrent's name); safe to join under the output directory
 * @param length  length in bytes
 * @param offset  where the file starts in the torrent's concatenated byte space (piece space)
 * @param padding a BEP 47 padding file: occupies piece space but is never created on disk
 */
public record FileEntry(List<String> path, long length, long offset, boolean padding) {
    public FileEntry {
        path = List.copyOf(path);
        if (path.isEmpty()) {
            throw new IllegalArgumentException("empty path");
        }
        if (length < 0 || offset < 0) {
            throw new IllegalArgumentException("negative length or offset");
        }
    }

    /** The path joined with '/', as shown to users. */
    public String displayPath() {
        return String.join("/", path);
    }

    public long end() {
        return offset + length;
    }
}
