package io.btget.bencode;

import java.util.List;

/** A bencode list: {@code l...e}. */
public record BList(List<BValue> items, int start, int end) implements BValue {
    public BList {
        items = List.copyOf(items);
    }

    public BList(List<BValue> items) {
        this(items, -1, -1);
    }

    @Override
    public String typeName() {
        return "list";
    }
}
