package io.btget.tracker;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.net.SocketTimeoutException;

/**
 * Reads an HTTP reply body up to a size limit and a deadline. The buffer grows with the bytes that arrive, never
 * with what a Content-Length or chunk header promises, so a server that sends an endless body costs at most
 * {@code max} bytes of memory; the deadline is checked after every read, so a body trickling in a byte at a time
 * ends at the deadline (a single read that stalls is bounded by the socket's read timeout).
 */
public final class BoundedBody {
    /** Bytes asked of the stream per read: small, so memory follows what arrived. */
    private static final int CHUNK = 8192;

    /** The body went past the limit; reading stopped there. */
    public static final class TooLarge extends IOException {
        TooLarge(int max) {
            super("reply larger than " + max + " bytes");
        }
    }

    /** The deadline passed while the body was still arriving. */
    public static final class PastDeadline extends SocketTimeoutException {
        PastDeadline() {
            super("body still arriving at the deadline");
        }
    }

    private BoundedBody() {
    }

    /**
     * The rest of {@code in}, at most {@code max} bytes.
     *
     * @param deadlineNanos a {@link System#nanoTime()} value
     * @throws TooLarge     past {@code max} bytes (one byte more is read to tell)
     * @throws PastDeadline the deadline passed before the end of the body
     * @throws InterruptedIOException the reading thread was interrupted (checked after every read)
     */
    public static byte[] read(InputStream in, int max, long deadlineNanos) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        byte[] chunk = new byte[CHUNK];
        while (true) {
            int want = (int) Math.min(chunk.length, (long) max + 1 - out.size());
            int n = in.read(chunk, 0, want);
            if (n < 0) {
                return out.toByteArray();
            }
            out.write(chunk, 0, n);
            if (out.size() > max) {
                throw new TooLarge(max);
            }
            if (System.nanoTime() - deadlineNanos >= 0) {
                throw new PastDeadline();
            }
            if (Thread.currentThread().isInterrupted()) {
                throw new InterruptedIOException("interrupted");
            }
        }
    }
}
