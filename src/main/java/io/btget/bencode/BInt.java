package io.btget.bencode;

/** A bencode integer: {@code i42e}. */
public record BInt(long value, int start, int end) implements BValue {
    public BInt(long value) {
        this(value, -1, -1);
    }

    @Override
    public String typeName() {
        return "integer";
    }
}
