package io.btget.storage;

/**
 * The part of one file that a range of the torrent's byte space covers.
 *
 * @param fileIndex  index into the torrent's file list (padding files included)
 * @param fileOffset where in that file the span starts
 * @param length     bytes
 * @param rangeOffset where in the requested range the span starts
 */
public record FileSpan(int fileIndex, long fileOffset, int length, int rangeOffset) {
}
