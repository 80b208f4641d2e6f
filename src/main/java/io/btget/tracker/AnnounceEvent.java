package io.btget.tracker;

import java.util.Optional;

/**
 * The {@code event} of an announce. BEP 3 names them for HTTP; BEP 15 numbers them for UDP (note that the UDP
 * numbers are not in the order of this enum: completed is 1, started is 2).
 */
public enum AnnounceEvent {
    NONE(0, null),
    STARTED(2, "started"),
    COMPLETED(1, "completed"),
    STOPPED(3, "stopped");

    /** The BEP 15 wire value. */
    public final int udpId;
    private final String httpName;

    AnnounceEvent(int udpId, String httpName) {
        this.udpId = udpId;
        this.httpName = httpName;
    }

    /** The value of the HTTP {@code event} parameter; empty for {@link #NONE}, which sends no parameter. */
    public Optional<String> httpName() {
        return Optional.ofNullable(httpName);
    }

    /** Reads a BEP 15 event id; unknown ids are treated as a regular announce, as trackers commonly do. */
    public static AnnounceEvent fromUdpId(int id) {
        for (AnnounceEvent e : values()) {
            if (e.udpId == id) {
                return e;
            }
        }
        return NONE;
    }

    /** Reads a BEP 3 {@code event} parameter; absent, empty or unknown values mean a regular announce. */
    public static AnnounceEvent fromHttpName(String name) {
        for (AnnounceEvent e : values()) {
            if (e.httpName != null && e.httpName.equals(name)) {
                return e;
            }
        }
        return NONE;
    }
}
