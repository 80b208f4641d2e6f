package io.btget.dht;

/** SKELETON: the node helper fills in every DHT limit and timing, each with why. */
public final class DhtLimits {
    /** Least time between two lookups of one search asked for by {@link Dht.Search#lookAgain}. */
    public static final long MIN_RESEARCH_NANOS = 60_000_000_000L;

    private DhtLimits() {
    }
}
