package io.btget.tracker;

/** What an {@link Announcer} reports for logging and progress views. Called on the announcer's thread. */
public interface AnnouncerListener {
    AnnouncerListener NONE = new AnnouncerListener() {
    };

    default void announced(String url, AnnounceEvent event, int peerCount) {
    }

    default void failed(String url, String message) {
    }

    default void warning(String url, String message) {
    }
}
