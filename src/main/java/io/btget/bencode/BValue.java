package io.btget.bencode;

/**
 * A decoded bencode value. Every value remembers the byte span it was read from ({@code start} inclusive,
 * {@code end} exclusive) so that callers can hash the exact bytes of a sub-value: the info hash is the SHA-1
 * of the info dictionary as it appears in the file, not of a re-encoding. Values built in code (for encoding)
 * have the span {@code -1, -1}.
 */
public sealed interface BValue permits BInt, BString, BList, BDict {
    int start();

    int end();

    /** A short name of the bencode type for error messages. */
    String typeName();
}
