package io.btget.session;

import java.util.ArrayDeque;

/** Recycles piece-sized buffers so that memory stays flat however large the torrent is. */
final class BufferPool {
    private final int bufferSize;
    private final int keep;
    private final ArrayDeque<byte[]> free = new ArrayDeque<>();

    BufferPool(int bufferSize, int keep) {
        this.bufferSize = bufferSize;
        this.keep = keep;
    }

    synchronized byte[] take() {
        byte[] b = free.poll();
        return b != null ? b : new byte[bufferSize];
    }

    synchronized void give(byte[] b) {
        if (free.size() < keep) {
            free.push(b);
        }
    }
}
