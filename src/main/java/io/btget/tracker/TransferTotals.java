package io.btget.tracker;

/** Byte counts reported in every announce (BEP 3 {@code uploaded}, {@code downloaded}, {@code left}). */
public record TransferTotals(long uploaded, long downloaded, long left) {
    public TransferTotals {
        if (uploaded < 0 || downloaded < 0 || left < 0) {
            throw new IllegalArgumentException("negative transfer total");
        }
    }
}
