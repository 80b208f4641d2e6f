package io.btget.cli.progress;

import java.util.List;

/** The terminal model of {@link LiveLineViewTest}, for tests in other packages. */
public final class LiveLineViewTestSupport {
    private LiveLineViewTestSupport() {
    }

    /** The lines a terminal shows for {@code raw} ({@code \r}, erase to end of line, text, newlines). */
    public static List<String> screen(String raw) {
        return LiveLineViewTest.screen(raw);
    }
}
