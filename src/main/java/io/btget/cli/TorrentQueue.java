package io.btget.cli;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BiFunction;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;

/**
 * {@code --max-active N}: runs tasks (one per torrent) each on a thread of its own, at most N at once, starting
 * them in the order given; the others wait and start as earlier ones end or leave the queue. A task leaves the queue
 * early when its download is done and it only seeds (as Transmission's download queue and libtorrent's
 * {@code active_downloads} count downloading torrents only), so {@code download --seed --max-active 2} works through
 * every torrent instead of stopping at the first two seeds. Once {@code stop} says so (a signal), no further task
 * starts.
 */
final class TorrentQueue {
    /** How often a wait for a free place looks at {@code stop}. */
    private static final long POLL_MILLIS = 100;

    private TorrentQueue() {
    }

    /**
     * Runs {@code tasks}; returns when every task that started has ended.
     *
     * @param starter starts a named thread running the given task (e.g. {@link io.btget.peer.Threads#start})
     * @return the indexes of the tasks that never started (stopped first)
     */
    static List<Integer> run(List<Runnable> tasks, int maxActive, BooleanSupplier stop,
            BiFunction<String, Runnable, Thread> starter) throws InterruptedException {
        List<Consumer<Runnable>> leaving = new ArrayList<>();
        for (Runnable task : tasks) {
            leaving.add(leave -> task.run());
        }
        return runLeaving(leaving, maxActive, stop, starter);
    }

    /**
     * As {@link #run}, each task given a {@code leave} action that frees its place for the next task while it goes on
     * running (idempotent; a task that never calls it leaves when it ends).
     */
    static List<Integer> runLeaving(List<Consumer<Runnable>> tasks, int maxActive, BooleanSupplier stop,
            BiFunction<String, Runnable, Thread> starter) throws InterruptedException {
        if (maxActive < 1) {
            throw new IllegalArgumentException("maxActive " + maxActive);
        }
        Semaphore places = new Semaphore(maxActive);
        List<Thread> started = new ArrayList<>();
        List<Integer> notStarted = new ArrayList<>();
        try {
            for (int i = 0; i < tasks.size(); i++) {
                boolean got = false;
                while (!stop.getAsBoolean() && !(got = places.tryAcquire(POLL_MILLIS, TimeUnit.MILLISECONDS))) {
                    // waiting for a running task to end
                }
                if (!got || stop.getAsBoolean()) {
                    if (got) {
                        places.release();
                    }
                    for (int j = i; j < tasks.size(); j++) {
                        notStarted.add(j);
                    }
                    break;
                }
                Consumer<Runnable> task = tasks.get(i);
                AtomicBoolean left = new AtomicBoolean();
                Runnable leave = () -> {
                    if (left.compareAndSet(false, true)) {
                        places.release();
                    }
                };
                started.add(starter.apply("torrent-" + (i + 1), () -> {
                    try {
                        task.accept(leave);
                    } finally {
                        leave.run();
                    }
                }));
            }
        } finally {
            for (Thread t : started) {
                t.join();
            }
        }
        return notStarted;
    }
}
