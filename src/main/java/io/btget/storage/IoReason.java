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
 * Why an I/O operation failed, in the words of strerror ("permission denied", "no such file or directory"...).
 * The JDK's {@link AccessDeniedException}, {@link NoSuchFileException} and their siblings carry only the path as
 * their message, so printing {@code getMessage()} loses the reason; this recovers it from the exception's type.
 */
public final class IoReason {
    private IoReason() {
    }

    /** The reason alone, without the path: "permission denied", "not a directory", "no space left on device". */
    public static String of(IOException e) {
        if (e instanceof AccessDeniedException) {
            return "permission denied";
        }
        if (e instanceof NoSuchFileException) {
            return "no such file or directory";
        }
        if (e instanceof NotDirectoryException) {
            return "not a directory";
        }
        if (e instanceof DirectoryNotEmptyException) {
            return "directory not empty";
        }
        if (e instanceof FileSystemLoopException) {
            return "too many levels of symbolic links";
        }
        if (e instanceof NotLinkException) {
            return "not a symbolic link";
        }
        if (e instanceof FileAlreadyExistsException f) {
            Path p = f.getFile() == null ? null : Path.of(f.getFile());
            return p != null && Files.exists(p, LinkOption.NOFOLLOW_LINKS) && !Files.isDirectory(p)
                    ? "exists and is not a directory" : "already exists";
        }
        if (e instanceof FileSystemException f) {
            if (f.getReason() != null && !f.getReason().isBlank()) {
                return lowerFirst(f.getReason());
            }
            return e.getClass().getSimpleName();
        }
        String msg = e.getMessage();
        return msg == null || msg.isBlank() ? e.getClass().getSimpleName() : msg;
    }

    /** "PATH: reason" for file system errors (with "-> OTHER" when the operation had two paths), else the reason. */
    public static String describe(IOException e) {
        if (e instanceof FileSystemException f && f.getFile() != null) {
            return f.getFile() + (f.getOtherFile() != null ? " -> " + f.getOtherFile() : "") + ": " + of(e);
        }
        return of(e);
    }

    /** strerror says "Permission denied"; mid-sentence it reads better in lower case (but not "ENOSPC"). */
    private static String lowerFirst(String s) {
        return s.length() > 1 && Character.isUpperCase(s.charAt(0)) && Character.isLowerCase(s.charAt(1))
                ? Character.toLowerCase(s.charAt(0)) + s.substring(1) : s;
    }
}
