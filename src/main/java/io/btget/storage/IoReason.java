package io.btget.storage;

import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.FileSystemLoopException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.nio.file.NotLinkException;
import java.nio.file.Path;

/**
 * Why an I/O operation failed, in the words of strerror ("Permission denied", "No such file or directory"...).
 * The JDK's {@link AccessDeniedException}, {@link NoSuchFileException} and their siblings carry only the path as
 * their message, so printing {@code getMessage()} loses the reason; this recovers it from the exception's type.
 */
public final class IoReason {
    private IoReason() {
    }

    /** The reason alone, without the path: "Permission denied", "Not a directory", "No space left on device". */
    public static String of(IOException e) {
        if (e instanceof AccessDeniedException) {
            return "Permission denied";
        }
        if (e instanceof NoSuchFileException) {
            return "No such file or directory";
        }
        if (e instanceof NotDirectoryException) {
            return "Not a directory";
        }
        if (e instanceof DirectoryNotEmptyException) {
            return "Directory not empty";
        }
        if (e instanceof FileSystemLoopException) {
            return "Too many levels of symbolic links";
        }
        if (e instanceof NotLinkException) {
            return "Not a symbolic link";
        }
        if (e instanceof FileAlreadyExistsException f) {
            Path p = f.getFile() == null ? null : Path.of(f.getFile());
            return p != null && Files.exists(p, LinkOption.NOFOLLOW_LINKS) && !Files.isDirectory(p)
                    ? "File exists and is not a directory" : "File exists";
        }
        if (e instanceof FileSystemException f) {
            if (f.getReason() != null && !f.getReason().isBlank()) {
                return f.getReason();
            }
            return e.getClass().getSimpleName();
        }
        String msg = e.getMessage();
        return msg == null || msg.isBlank() ? e.getClass().getSimpleName() : msg;
    }

    /** "PATH: reason" for file system errors (with " -> OTHER" when the operation had two paths), else the reason. */
    public static String describe(IOException e) {
        if (e instanceof FileSystemException f && f.getFile() != null) {
            return f.getFile() + (f.getOtherFile() != null ? " -> " + f.getOtherFile() : "") + ": " + of(e);
        }
        return of(e);
    }
}
