package io.btget.peer;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Starts the threads that serve peers: virtual threads on a JDK that has them (21+, looked up at run time since we
 * compile for 17), platform daemon threads otherwise. A thread per peer blocks on its socket; virtual threads
 * make that cost a few KB instead of a stack per peer.
 *
 * <p>A task that fails with an unexpected exception ends its own thread only: the exception is logged at debug with
 * its stack (shown with {@code -vv}), never printed to stderr by the JVM's default handler.
 */
public final class Threads {
    private static final Logger log = LoggerFactory.getLogger(Threads.class);
    private static final MethodHandle START_VIRTUAL = findStartVirtual();

    private Threads() {
    }

    public static Thread start(String name, Runnable task) {
        task = guarded(name, task);
        if (START_VIRTUAL != null) {
            try {
                Thread t = (Thread) START_VIRTUAL.invokeExact(task);
                t.setName(name);
                return t;
            } catch (Throwable e) {
                // fall back to a platform thread below
            }
        }
        Thread t = new Thread(task, name);
        t.setDaemon(true);
        t.start();
        return t;
    }

    /** A platform daemon thread for long-lived loops (tracker, dialer) that must not pin a carrier thread. */
    public static Thread startPlatform(String name, Runnable task) {
        Thread t = new Thread(guarded(name, task), name);
        t.setDaemon(true);
        t.start();
        return t;
    }

    private static Runnable guarded(String name, Runnable task) {
        return () -> {
            try {
                task.run();
            } catch (RuntimeException e) {
                log.debug("thread {} failed", name, e);
            }
        };
    }

    private static MethodHandle findStartVirtual() {
        try {
            return MethodHandles.publicLookup().findStatic(Thread.class, "startVirtualThread",
                    MethodType.methodType(Thread.class, Runnable.class));
        } catch (ReflectiveOperationException e) {
            return null;
        }
    }
}
