package io.btget.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BiFunction;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(30)
class TorrentQueueTest {
    private static final BiFunction<String, Runnable, Thread> THREADS = (name, task) -> {
        Thread t = new Thread(task, name);
        t.setDaemon(true);
        t.start();
        return t;
    };

    @Test
    void oneAtATimeRunsThemInOrderEachAfterThePreviousEnded() throws Exception {
        List<String> log = Collections.synchronizedList(new ArrayList<>());
        List<Runnable> tasks = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            int n = i;
            tasks.add(() -> {
                log.add("start " + n);
                Thread.yield();
                log.add("end " + n);
            });
        }
        assertThat(TorrentQueue.run(tasks, 1, () -> false, THREADS)).isEmpty();
        assertThat(log).containsExactly("start 0", "end 0", "start 1", "end 1", "start 2", "end 2", "start 3", "end 3");
    }

    @Test
    void neverMoreThanMaxActiveAtOnceAndTheRestStartAsPlacesFree() throws Exception {
        AtomicInteger running = new AtomicInteger();
        AtomicInteger most = new AtomicInteger();
        CountDownLatch twoIn = new CountDownLatch(2);
        CountDownLatch release = new CountDownLatch(1);
        List<Runnable> tasks = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            tasks.add(() -> {
                most.accumulateAndGet(running.incrementAndGet(), Math::max);
                twoIn.countDown();
                try {
                    release.await(20, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                running.decrementAndGet();
            });
        }
        Thread queue = THREADS.apply("queue", () -> {
            try {
                TorrentQueue.run(tasks, 2, () -> false, THREADS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        assertThat(twoIn.await(20, TimeUnit.SECONDS)).isTrue();
        assertThat(running.get()).as("a third waits while two run").isEqualTo(2);
        release.countDown();
        queue.join(20_000);
        assertThat(queue.isAlive()).isFalse();
        assertThat(most.get()).isEqualTo(2);
        assertThat(running.get()).isZero();
    }

    @Test
    void afterAStopNoQueuedTaskStarts() throws Exception {
        AtomicBoolean stop = new AtomicBoolean();
        List<Integer> ran = Collections.synchronizedList(new ArrayList<>());
        List<Runnable> tasks = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            int n = i;
            tasks.add(() -> {
                ran.add(n);
                if (n == 1) {
                    stop.set(true); // a signal arrives while the second runs
                }
            });
        }
        List<Integer> notStarted = TorrentQueue.run(tasks, 1, stop::get, THREADS);
        assertThat(ran).containsExactly(0, 1);
        assertThat(notStarted).containsExactly(2, 3);
    }

    @Test
    void allAtOnceByDefaultAndZeroIsRefused() throws Exception {
        CountDownLatch all = new CountDownLatch(3);
        List<Runnable> tasks = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            tasks.add(() -> {
                all.countDown();
                try {
                    // each waits for the others: only ends if all three run at the same time
                    all.await(20, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            });
        }
        assertThat(TorrentQueue.run(tasks, Integer.MAX_VALUE, () -> false, THREADS)).isEmpty();
        assertThat(all.getCount()).isZero();
        assertThatThrownBy(() -> TorrentQueue.run(tasks, 0, () -> false, THREADS))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void aTaskThatLeavesTheQueueLetsTheNextStartWhileItRunsOn() throws Exception {
        // download --seed --max-active 1: the first seeds until stopped, yet the second starts once it is downloaded
        CountDownLatch secondStarted = new CountDownLatch(1);
        AtomicBoolean firstStillRunning = new AtomicBoolean();
        List<java.util.function.Consumer<Runnable>> tasks = List.of(
                leave -> {
                    leave.run();
                    leave.run(); // twice: still one place
                    try {
                        firstStillRunning.set(true);
                        assertThat(secondStarted.await(20, TimeUnit.SECONDS)).isTrue();
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                },
                leave -> secondStarted.countDown());
        assertThat(TorrentQueue.runLeaving(tasks, 1, () -> false, THREADS)).isEmpty();
        assertThat(secondStarted.getCount()).isZero();
        assertThat(firstStillRunning).isTrue();
    }

    @Test
    void leavingTwiceFreesOnePlace() throws Exception {
        AtomicInteger running = new AtomicInteger();
        AtomicInteger most = new AtomicInteger();
        CountDownLatch hold = new CountDownLatch(1);
        List<java.util.function.Consumer<Runnable>> tasks = new ArrayList<>();
        tasks.add(leave -> {
            leave.run();
            leave.run();
        });
        for (int i = 0; i < 3; i++) {
            tasks.add(leave -> {
                most.accumulateAndGet(running.incrementAndGet(), Math::max);
                try {
                    hold.await(200, TimeUnit.MILLISECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                running.decrementAndGet();
            });
        }
        assertThat(TorrentQueue.runLeaving(tasks, 1, () -> false, THREADS)).isEmpty();
        assertThat(most.get()).as("never two at once with one place").isEqualTo(1);
    }
}
