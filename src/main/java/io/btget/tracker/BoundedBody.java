package io.btget.tracker;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Flow;

/**
 * Collects an HTTP reply body up to a size limit and cancels the transfer past it, so a tracker that sends an
 * endless body costs at most {@code max} bytes of memory. The JDK's own byte-array subscriber has no limit on
 * JDK 17.
 */
public final class BoundedBody implements HttpResponse.BodySubscriber<byte[]> {
    /** The body went past the limit; the transfer was cancelled. */
    public static final class TooLarge extends IOException {
        TooLarge(int max) {
            super("reply larger than " + max + " bytes");
        }
    }

    private final int max;
    private final CompletableFuture<byte[]> result = new CompletableFuture<>();
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private Flow.Subscription subscription;

    public BoundedBody(int max) {
        this.max = max;
    }

    @Override
    public CompletionStage<byte[]> getBody() {
        return result;
    }

    @Override
    public void onSubscribe(Flow.Subscription s) {
        subscription = s;
        s.request(1);
    }

    @Override
    public void onNext(List<ByteBuffer> buffers) {
        for (ByteBuffer b : buffers) {
            if (b.remaining() > max - out.size()) {
                subscription.cancel();
                result.completeExceptionally(new TooLarge(max));
                return;
            }
            byte[] chunk = new byte[b.remaining()];
            b.get(chunk);
            out.writeBytes(chunk);
        }
        subscription.request(1);
    }

    @Override
    public void onError(Throwable t) {
        result.completeExceptionally(t);
    }

    @Override
    public void onComplete() {
        result.complete(out.toByteArray());
    }
}
