package io.btget.mse;

import java.util.Locale;

/**
 * The protocol-encryption policy ({@code --encryption}), process-wide: what we offer when we dial, what we accept
 * when dialled.
 *
 * <ul>
 *   <li>{@link #PREFER} (the default, as Transmission's default "prefer encryption"): outgoing connections start
 *       with the MSE handshake offering RC4 and plaintext, and are retried once in plaintext when the MSE handshake
 *       fails; incoming connections may be plaintext or MSE. As receiver we choose plaintext when the peer offers
 *       both and RC4 when it offers only RC4, as libtorrent does by default ({@code prefer_rc4} off, what qBittorrent
 *       users run): the handshake is always obfuscated, and the payload is encrypted whenever either side asks for
 *       it (a peer that requires RC4 offers only RC4; {@link #REQUIRE} on our side offers only RC4), while two peers
 *       that both accept either keep the full speed of plaintext (RC4 cost 0.67x throughput btget to btget).</li>
 *   <li>{@link #REQUIRE}: only RC4-encrypted MSE connections, both ways; plaintext handshakes are refused.</li>
 *   <li>{@link #OFF}: plaintext BitTorrent only, both ways (an incoming MSE handshake is refused).</li>
 * </ul>
 */
public enum Encryption {
    PREFER,
    REQUIRE,
    OFF;

    /** Parses {@code prefer}, {@code require} or {@code off} (any case). */
    public static Encryption parse(String s) {
        for (Encryption e : values()) {
            if (e.name().equalsIgnoreCase(s.trim())) {
                return e;
            }
        }
        throw new IllegalArgumentException("encryption must be prefer, require or off, got \"" + s + "\"");
    }

    /** The methods we offer as initiator ({@code crypto_provide}); 0 when we never start an MSE handshake. */
    public int provide() {
        return switch (this) {
            case PREFER -> Mse.CRYPTO_RC4 | Mse.CRYPTO_PLAINTEXT;
            case REQUIRE -> Mse.CRYPTO_RC4;
            case OFF -> 0;
        };
    }

    /**
     * The method we select as receiver from the peer's {@code crypto_provide}, or 0 when none is acceptable:
     * REQUIRE takes RC4 only; PREFER takes plaintext when offered (the peer accepts it) and RC4 otherwise.
     */
    public int select(int provided) {
        if (this == OFF) {
            return 0;
        }
        if (this == PREFER && (provided & Mse.CRYPTO_PLAINTEXT) != 0) {
            return Mse.CRYPTO_PLAINTEXT;
        }
        if ((provided & Mse.CRYPTO_RC4) != 0) {
            return Mse.CRYPTO_RC4;
        }
        return 0;
    }

    /** Whether an incoming plaintext BitTorrent handshake is accepted. */
    public boolean acceptsPlaintext() {
        return this != REQUIRE;
    }

    /** Whether an incoming MSE handshake is answered. */
    public boolean acceptsMse() {
        return this != OFF;
    }

    /** BEP 10 {@code e}: 1 when we prefer encrypted connections. */
    public boolean prefersEncryption() {
        return this != OFF;
    }

    @Override
    public String toString() {
        return name().toLowerCase(Locale.ROOT);
    }
}
