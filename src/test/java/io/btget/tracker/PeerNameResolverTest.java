package io.btget.tracker;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Peer host names from trackers are resolved off the caller's thread, bounded in number, time and addresses. */
@Timeout(value = 20, unit = TimeUnit.SECONDS)
class PeerNameResolverTest {
    private final List<InetSocketAddress> delivered = new CopyOnWriteArrayList<>();

    private static InetAddress ip(String literal) {
        return IpLiterals.parse(literal).orElseThrow();
    }

    private void awaitDelivered(int n) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (delivered.size() < n && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
    }

    @Test
    void deliversEveryAddressOfANameWithItsPortUpToALimit() throws Exception {
        InetAddress[] many = new InetAddress[10];
        for (int i = 0; i < many.length; i++) {
            many[i] = ip("10.0.0." + (i + 1));
        }
        try (PeerNameResolver resolver = new PeerNameResolver(host -> switch (host) {
            case "localhost" -> new InetAddress[] {ip("127.0.0.1"), ip("::1")};
            case "many.example" -> many;
            default -> throw new UnknownHostException(host);
        }, Duration.ofSeconds(10), "test-names")) {
            resolver.resolve(List.of(InetSocketAddress.createUnresolved("localhost", 6881),
                    InetSocketAddress.createUnresolved("nowhere.example", 1),
                    InetSocketAddress.createUnresolved("many.example", 2)), delivered::addAll);
            awaitDelivered(2 + PeerNameResolver.MAX_ADDRESSES_PER_NAME);
        }
        assertThat(delivered).contains(new InetSocketAddress("127.0.0.1", 6881), new InetSocketAddress(ip("::1"), 6881))
                .hasSize(2 + PeerNameResolver.MAX_ADDRESSES_PER_NAME);
    }

    @Test
    void neverBlocksTheCallerAndDropsNamesBeyondTheQueue() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        AtomicInteger lookups = new AtomicInteger();
        try (PeerNameResolver resolver = new PeerNameResolver(host -> {
            lookups.incrementAndGet();
            try {
                release.await(10, TimeUnit.SECONDS); // a DNS server that does not answer
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return new InetAddress[] {ip("127.0.0.1")};
        }, Duration.ofSeconds(10), "test-names")) {
            List<InetSocketAddress> names = new ArrayList<>();
            int offered = PeerNameResolver.MAX_CONCURRENT + PeerNameResolver.MAX_QUEUED + 25;
            for (int i = 0; i < offered; i++) {
                names.add(InetSocketAddress.createUnresolved("p" + i + ".example", 1));
            }
            resolver.resolve(names, delivered::addAll); // returns although every lookup hangs
            release.countDown();
            awaitDelivered(PeerNameResolver.MAX_CONCURRENT + PeerNameResolver.MAX_QUEUED);
        }
        assertThat(lookups.get()).isEqualTo(PeerNameResolver.MAX_CONCURRENT + PeerNameResolver.MAX_QUEUED);
        assertThat(delivered).hasSize(PeerNameResolver.MAX_CONCURRENT + PeerNameResolver.MAX_QUEUED);
    }

    @Test
    void dropsAnAnswerThatCameAfterTheTimeout() throws Exception {
        CountDownLatch looked = new CountDownLatch(1);
        try (PeerNameResolver resolver = new PeerNameResolver(host -> {
            try {
                Thread.sleep(300);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            looked.countDown();
            return new InetAddress[] {ip("127.0.0.1")};
        }, Duration.ofMillis(50), "test-names")) {
            resolver.resolve(List.of(InetSocketAddress.createUnresolved("slow.example", 1)), delivered::addAll);
            assertThat(looked.await(10, TimeUnit.SECONDS)).isTrue();
            Thread.sleep(100);
        }
        assertThat(delivered).isEmpty();
    }
}
