package io.btget.metainfo;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.util.List;
import java.util.concurrent.CompletionService;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.ExecutorCompletionService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongConsumer;

/**
 * SHA-1 piece hashes over files laid end to end (pieces span file boundaries, BEP 3). Every thread reads and hashes
 * its own runs of consecutive pieces: it claims {@link #BATCH_BYTES} of pieces at a time, reads them with positional
 * reads into a small direct buffer and hashes each slice as soon as it is read.
 *
 * <p>Why not one reader thread filling piece-sized heap buffers for a pool of hashers (what this class did before,
 * and what mktorrent 1.1 does with its pthreads build): on 2 cores that is three busy threads for two cores, and a
 * {@code FileChannel.read} into a heap buffer copies every byte twice (the kernel into a temporary direct buffer,
 * that into the heap) on the reading thread. Here each byte is copied once by the kernel into a buffer small enough
 * to stay in the core's cache, then, cache-hot, {@link Sha1#CHUNK} bytes at a time into the array the digest reads:
 * memory stays at a few hundred KiB per thread whatever the piece length, and the hashing keeps {@link Sha1}'s
 * 16 KiB-slice path to the JDK's SHA-1 intrinsic.
 */
final class PieceHasher {
    /** A file to hash and the length it had when listed; a file that changes meanwhile is an error. */
    record Source(Path path, long length) {
    }

    /**
     * Bytes of consecutive pieces a thread claims at a time: long sequential runs for the page cache's read-ahead and
     * few claims, yet small enough that two threads share even a small torrent.
     */
    static final int BATCH_BYTES = 4 << 20;

    /** One positional read: 256 KiB stays in a core's L2 cache until the digest has read it back. */
    static final int READ_BYTES = 256 << 10;

    private PieceHasher() {
    }

    /**
     * @param progress called with the total bytes hashed so far, from any thread, after each piece
     * @return the concatenated 20-byte hashes
     */
    static byte[] hash(List<Source> sources, int pieceLength, int threads, LongConsumer progress)
            throws IOException, InterruptedException {
        long[] starts = new long[sources.size() + 1];
        for (int i = 0; i < sources.size(); i++) {
            starts[i + 1] = Math.addExact(starts[i], sources.get(i).length());
        }
        long total = starts[sources.size()];
        long pieceCountLong = (total + pieceLength - 1) / pieceLength;
        if (pieceCountLong > Integer.MAX_VALUE / Sha1.LENGTH) {
            throw new IllegalArgumentException("too many pieces: " + pieceCountLong);
        }
        int pieceCount = (int) pieceCountLong;
        byte[] hashes = new byte[pieceCount * Sha1.LENGTH];
        Sha1.warmUp();
        Job job = new Job(sources, starts, pieceLength, pieceCount, hashes, progress);
        int workers = (int) Math.max(1, Math.min(threads, (pieceCount + job.batch - 1) / job.batch));
        if (workers == 1) {
            job.work();
            return hashes;
        }
        ExecutorService pool = Executors.newFixedThreadPool(workers, r -> {
            Thread t = new Thread(r, "piece-hasher");
            t.setDaemon(true);
            return t;
        });
        try {
            // completion order: the first failure ends the wait at once, whichever thread had it
            CompletionService<Void> results = new ExecutorCompletionService<>(pool);
            for (int w = 0; w < workers; w++) {
                results.submit(() -> {
                    job.work();
                    return null;
                });
            }
            for (int w = 0; w < workers; w++) {
                try {
                    results.take().get();
                } catch (ExecutionException e) {
                    job.failed = true; // the others stop at their next piece
                    if (e.getCause() instanceof IOException io) {
                        throw io;
                    }
                    if (e.getCause() instanceof RuntimeException re) {
                        throw re;
                    }
                    throw new IOException("hashing failed: " + e.getCause(), e.getCause());
                }
            }
        } finally {
            job.failed = true;
            pool.shutdownNow();
        }
        return hashes;
    }

    static MessageDigest sha1() {
        return Sha1.newDigest();
    }

    /** What the threads share: the sources, the next unclaimed piece, the result. */
    private static final class Job {
        final List<Source> sources;
        final long[] starts;
        final int pieceLength;
        final int pieceCount;
        final byte[] hashes;
        final LongConsumer progress;
        final int batch;
        final AtomicInteger next = new AtomicInteger();
        final AtomicLong done = new AtomicLong();
        volatile boolean failed;

        Job(List<Source> sources, long[] starts, int pieceLength, int pieceCount, byte[] hashes, LongConsumer progress) {
            this.sources = sources;
            this.starts = starts;
            this.pieceLength = pieceLength;
            this.pieceCount = pieceCount;
            this.hashes = hashes;
            this.progress = progress;
            this.batch = Math.max(1, BATCH_BYTES / pieceLength);
        }

        /** Claims and hashes runs of pieces until none are left. */
        void work() throws IOException, InterruptedException {
            long total = starts[sources.size()];
            try (Reader reader = new Reader(this)) {
                MessageDigest sha1 = sha1();
                while (!failed) {
                    int first = next.getAndAdd(batch);
                    if (first >= pieceCount) {
                        return;
                    }
                    int end = Math.min(pieceCount, first + batch);
                    for (int p = first; p < end && !failed; p++) {
                        if (Thread.interrupted()) {
                            throw new InterruptedException();
                        }
                        long offset = (long) p * pieceLength;
                        int size = (int) Math.min(pieceLength, total - offset);
                        sha1.reset();
                        reader.hashSpan(sha1, offset, size);
                        Sha1.finish(sha1, hashes, p * Sha1.LENGTH);
                        progress.accept(done.addAndGet(size));
                    }
                }
            }
        }
    }

    /** One thread's view of the files: the file it has open, a direct read buffer, the digest's input slice. */
    private static final class Reader implements AutoCloseable {
        private final Job job;
        private final ByteBuffer buffer = ByteBuffer.allocateDirect(READ_BYTES);
        private final byte[] slice = new byte[Sha1.CHUNK];
        private int openIndex = -1;
        private FileChannel channel;

        Reader(Job job) {
            this.job = job;
        }

        /** Feeds the bytes at {@code [offset, offset + size)} of the concatenated files to {@code sha1}. */
        void hashSpan(MessageDigest sha1, long offset, int size) throws IOException {
            long[] starts = job.starts;
            int n = job.sources.size();
            long end = offset + size;
            // the first file holding byte 'offset' (or, when that is the very end, the first file starting there),
            // stepping back over empty files that start there: they are checked too, as when listed
            int i = firstFileEndingAfter(offset);
            while (i > 0 && starts[i - 1] == offset && job.sources.get(i - 1).length() == 0) {
                i--;
            }
            long at = offset;
            buffer.clear();
            for (; i < n && starts[i] <= end; i++) {
                Source s = job.sources.get(i);
                if (s.length() > 0 && starts[i] == end) {
                    break; // the next piece's
                }
                FileChannel ch = open(i);
                long inFile = at - starts[i];
                long stop = Math.min(end, starts[i + 1]);
                while (at < stop) {
                    int want = (int) Math.min(buffer.remaining(), stop - at);
                    buffer.limit(buffer.position() + want);
                    int got = ch.read(buffer, inFile);
                    buffer.limit(buffer.capacity());
                    if (got < 0) {
                        throw new IOException(s.path() + " shrank while hashing");
                    }
                    at += got;
                    inFile += got;
                    if (!buffer.hasRemaining()) {
                        drain(sha1);
                    }
                }
            }
            if (at != end) {
                throw new IOException("files shrank while hashing");
            }
            drain(sha1);
        }

        /** Hashes what the buffer holds, {@link Sha1#CHUNK} bytes at a time, and empties it. */
        private void drain(MessageDigest sha1) {
            buffer.flip();
            while (buffer.hasRemaining()) {
                int len = Math.min(slice.length, buffer.remaining());
                buffer.get(slice, 0, len);
                Sha1.update(sha1, slice, 0, len);
            }
            buffer.clear();
        }

        /** The smallest file index whose end lies after {@code offset}; the file count when none does. */
        private int firstFileEndingAfter(long offset) {
            long[] starts = job.starts;
            int lo = 0;
            int hi = job.sources.size();
            while (lo < hi) {
                int mid = (lo + hi) >>> 1;
                if (starts[mid + 1] > offset) {
                    hi = mid;
                } else {
                    lo = mid + 1;
                }
            }
            return lo;
        }

        private FileChannel open(int index) throws IOException {
            if (index == openIndex) {
                return channel;
            }
            close();
            Source s = job.sources.get(index);
            channel = FileChannel.open(s.path(), StandardOpenOption.READ);
            openIndex = index;
            if (channel.size() != s.length()) {
                throw new IOException(s.path() + " changed size while hashing");
            }
            return channel;
        }

        @Override
        public void close() throws IOException {
            if (channel != null) {
                FileChannel c = channel;
                channel = null;
                openIndex = -1;
                c.close();
            }
        }
    }
}
