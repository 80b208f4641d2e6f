package io.btget.dht;

import java.net.InetAddress;
import java.util.Random;

/** SKELETON: the table helper implements it (see APIS.md). */
public final class Tokens {
    public static final long ROTATE_NANOS = 5L * 60 * 1_000_000_000L;
    public static final int TOKEN_LENGTH = 8;

    public Tokens(Random random, long nowNanos) {
    }

    public byte[] tokenFor(InetAddress asker, long nowNanos) {
        throw new UnsupportedOperationException();
    }

    public boolean valid(byte[] token, InetAddress asker, long nowNanos) {
        throw new UnsupportedOperationException();
    }
}
