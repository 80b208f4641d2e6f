package io.btget.cli.progress;

/** Lines redrawn in place at the bottom of the terminal; whole lines from elsewhere are printed above them. */
interface LiveArea {
    /** Runs {@code print} (which writes whole lines, to stdout or stderr) with the area cleared, then redraws it. */
    void printAbove(Runnable print);
}
