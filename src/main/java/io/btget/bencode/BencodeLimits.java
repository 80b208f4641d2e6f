package io.btget.bencode;

/**
 * Hard limits that keep a hostile input from costing a stack overflow, a huge allocation or a long loop.
 * The decoder never allocates more than the input length in total, so {@code maxInputBytes} bounds memory;
 * {@code maxDepth} bounds recursion; {@code maxElements} bounds the number of objects built.
 */
public record BencodeLimits(int maxInputBytes, int maxDepth, int maxElements) {
    /** Generous for any real .torrent (the largest public ones hold a few MB of piece hashes). */
    public static final BencodeLimits TORRENT_FILE = new BencodeLimits(64 << 20, 64, 4_000_000);
    /** For tracker replies, extension messages and other network input. */
    public static final BencodeLimits NETWORK = new BencodeLimits(4 << 20, 32, 200_000);

    public BencodeLimits {
        if (maxInputBytes < 0 || maxDepth < 1 || maxElements < 1) {
            throw new IllegalArgumentException("bad bencode limits");
        }
    }
}
