package io.btget.cli;

import io.btget.metainfo.FileEntry;
import io.btget.metainfo.FileSelection;
import io.btget.metainfo.MagnetLink;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Option;

/** {@code --select-file}, {@code --include}, {@code --exclude}: which files of the torrent to download, check or seed. */
final class SelectionOptions {
    @Option(names = "--select-file", paramLabel = "INDEXES", description = "Only these files, numbered from 1 as 'btget info' shows them: 1,3-5 (as aria2c).")
    String selectFile;

    @Option(names = "--include", paramLabel = "GLOB", description = "Only files matching GLOB (repeatable): '*.mkv'; a pattern with '/' matches the path inside the torrent, one without matches the name at any depth.")
    List<String> include = new ArrayList<>();

    @Option(names = "--exclude", paramLabel = "GLOB", description = "Leave out files matching GLOB (repeatable), after --select-file and --include.")
    List<String> exclude = new ArrayList<>();

    /** The request, parsed now (a malformed --select-file is a usage error before any network). */
    FileSelection.Request request() {
        List<MagnetLink.IndexRange> indexes = List.of();
        if (selectFile != null) {
            try {
                indexes = FileSelection.parseIndexes(selectFile);
            } catch (IllegalArgumentException e) {
                throw new UserError(ExitCode.USAGE, e.getMessage());
            }
        }
        return new FileSelection.Request(indexes, include, exclude, List.of());
    }

    /** Resolves {@code request} against a torrent's files; a selection that cannot be is a usage error. */
    static FileSelection resolve(FileSelection.Request request, List<FileEntry> files) {
        try {
            return request.resolve(files);
        } catch (IllegalArgumentException e) {
            throw new UserError(ExitCode.USAGE, e.getMessage());
        }
    }
}
