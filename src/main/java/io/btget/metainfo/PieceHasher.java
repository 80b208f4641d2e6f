package io.btget.metainfo;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongConsumer;

/**
 * SHA-1 piece hashes over files laid end to end (pieces span file boundaries, BEP 3). One thread reads the files
 * sequentially into piece-sized buffers (sequential reads are what disks and the page cache do best); a pool hashes
 * whole pieces in parallel. A fixed pool of buffers bounds memory to a few pieces per thread.
 */
final class PieceHasher {
    /** A file to hash and the length it had when listed; a file that changes meanwhile is an error. */
    record Source(Path path, long length) {
    }

    /** Never hold more than this in piece buffers, whatever the piece length. */
    private static final long MAX_BUFFER_BYTES = 256L << 20;
    private static final int READ_CHUNK = 4 << 20;

    private PieceHasher() {
    }

    /**
     * @param progress called with the total bytes hashed so far, from any thread, after each piece
     * @return the concatenated 20-byte hashes
     */
    static byte[] hash(List<Source> sources, int pieceLength, int threads, LongConsumer progress)
            throws IOException, InterruptedException {
        long total = sources.stream().mapToLong(Source::length).sum();
        long pieceCountLong = (total + pieceLength - 1) / pieceLength;
        if (pieceCountLong > Integer.MAX_VALUE / 20) {
            throw new IllegalArgumentException("too many pieces: " + pieceCountLong);
        }
        int pieceCount = (int) pieceCountLong;
        byte[] hashes = new byte[pieceCount * 20];
        Sha1.warmUp();
        if (threads <= 1) {
            hashInline(sources, pieceLength, hashes, progress);
            return hashes;
        }
        int bufferCount = (int) Math.max(2, Math.min(2L * threads + 2, MAX_BUFFER_BYTES / pieceLength));
        BlockingQueue<byte[]> free = new ArrayBlockingQueue<>(bufferCount);
        ExecutorService pool = Executors.newFixedThreadPool(threads, r -> {
            Thread t = new Thread(r, "piece-hasher");
            t.setDaemon(true);
            return t;
        });
        AtomicLong done = new AtomicLong();
        ArrayBlockingQueue<Future<?>> pending = new ArrayBlockingQueue<>(bufferCount + 1);
        try (PieceReader reader = new PieceReader(sources)) {
            for (int i = 0; i < bufferCount; i++) {
                free.add(new byte[pieceLength]);
            }
            for (int piece = 0; piece < pieceCount; piece++) {
                byte[] buffer = free.take();
                int size = reader.readPiece(buffer, (int) Math.min(pieceLength, total - (long) piece * pieceLength));
                int index = piece;
                // keep the queue of futures bounded: check the oldest for failures before adding more
                while (pending.remainingCapacity() == 0 || (!pending.isEmpty() && pending.peek().isDone())) {
                    await(pending.poll());
                }
                pending.add(pool.submit(() -> {
                    try {
                        Sha1.digest(sha1(), buffer, 0, size, hashes, index * 20);
                    } finally {
                        free.add(buffer); // always returned, or the reader would wait forever
                    }
                    progress.accept(done.addAndGet(size));
                }));
            }
            while (!pending.isEmpty()) {
                await(pending.poll());
            }
        } finally {
            pool.shutdownNow();
        }
        return hashes;
    }

    private static void hashInline(List<Source> sources, int pieceLength, byte[] hashes, LongConsumer progress)
            throws IOException {
        long total = sources.stream().mapToLong(Source::length).sum();
        byte[] buffer = new byte[pieceLength];
        MessageDigest sha1 = sha1();
        long done = 0;
        try (PieceReader reader = new PieceReader(sources)) {
            for (int piece = 0; piece < hashes.length / 20; piece++) {
                int size = reader.readPiece(buffer, (int) Math.min(pieceLength, total - done));
                Sha1.digest(sha1, buffer, 0, size, hashes, piece * 20);
                done += size;
                progress.accept(done);
            }
        }
    }

    private static void await(Future<?> f) throws IOException, InterruptedException {
        try {
            f.get();
        } catch (java.util.concurrent.ExecutionException e) {
            throw new IOException("hashing failed: " + e.getCause(), e.getCause());
        }
    }

    static MessageDigest sha1() {
        return Sha1.newDigest();
    }

    /** Reads the concatenation of the sources, piece by piece, checking each file is as long as listed. */
    private static final class PieceReader implements AutoCloseable {
        private final List<Source> sources;
        private int fileIndex = -1;
        private FileChannel channel;
        private long leftInFile;

        PieceReader(List<Source> sources) {
            this.sources = sources;
        }

        int readPiece(byte[] buffer, int size) throws IOException {
            int filled = 0;
            while (filled < size) {
                while (leftInFile == 0) {
                    nextFile();
                }
                int want = (int) Math.min(Math.min(size - filled, leftInFile), READ_CHUNK);
                int n = channel.read(ByteBuffer.wrap(buffer, filled, want));
                if (n < 0) {
                    throw new IOException(sources.get(fileIndex).path() + " shrank while hashing");
                }
                filled += n;
                leftInFile -= n;
            }
            return filled;
        }

        private void nextFile() throws IOException {
            close();
            fileIndex++;
            if (fileIndex >= sources.size()) {
                throw new IOException("files shrank while hashing");
            }
            Source s = sources.get(fileIndex);
            channel = FileChannel.open(s.path(), StandardOpenOption.READ);
            if (channel.size() != s.length()) {
                throw new IOException(s.path() + " changed size while hashing");
            }
            leftInFile = s.length();
        }

        @Override
        public void close() throws IOException {
            if (channel != null) {
                channel.close();
                channel = null;
            }
        }
    }
}
