package io.btget.cli;

import io.btget.bencode.BencodeLimits;
import io.btget.metainfo.Torrent;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

/** Reads the .torrent a user names, with a size limit and one-line errors. */
final class TorrentInput {
    private TorrentInput() {
    }

    static Torrent load(String arg) {
        if (arg.regionMatches(true, 0, "magnet:", 0, 7)) {
            throw new UserError(ExitCode.BAD_TORRENT,
                    "downloading from a magnet link is not supported yet; give the .torrent file");
        }
        Path path = Path.of(arg);
        byte[] bytes;
        try {
            if (Files.isDirectory(path)) {
                throw new UserError(ExitCode.USAGE, arg + " is a directory, not a .torrent file");
            }
            long size = Files.size(path);
            int limit = BencodeLimits.TORRENT_FILE.maxInputBytes();
            if (size > limit) {
                throw new UserError(ExitCode.BAD_TORRENT, arg + ": " + size + " bytes is too large for a .torrent (limit "
                        + limit + ")");
            }
            try (InputStream in = Files.newInputStream(path)) {
                bytes = in.readNBytes(limit + 1);
            }
        } catch (NoSuchFileException e) {
            throw new UserError(ExitCode.USAGE, "no such file: " + arg);
        } catch (IOException e) {
            throw new UserError(ExitCode.BAD_TORRENT, "cannot read " + arg + ": " + Main.oneLine(e));
        }
        try {
            return Torrent.parse(bytes);
        } catch (RuntimeException e) {
            if (e instanceof UserError) {
                throw e;
            }
            throw new UserError(ExitCode.BAD_TORRENT, arg + ": " + Main.oneLine(e), e);
        }
    }
}
