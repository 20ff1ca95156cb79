package io.catalogingest.workers.kafka;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import org.apache.kafka.clients.consumer.Consumer;

/** A pool's consumers and the threads that run them: started one by one, woken and joined together. */
final class PoolThreads {
    private record Member(Consumer<?, ?> consumer, Thread thread) {}

    private final List<Member> members = new CopyOnWriteArrayList<>();

    void start(Consumer<?, ?> consumer, Thread thread) {
        members.add(new Member(consumer, thread));
        thread.start();
    }

    /** Wakes every consumer out of its poll, then waits up to {@code timeout} for each thread to settle its work. */
    void stop(Duration timeout) throws InterruptedException {
        members.forEach(m -> m.consumer().wakeup());
        for (Member m : members) {
            m.thread().join(timeout.toMillis());
        }
    }

    /** Threads that ended although the pool is started. */
    long dead() {
        return members.stream().filter(m -> !m.thread().isAlive()).count();
    }

    List<? extends Consumer<?, ?>> consumers() {
        return members.stream().map(Member::consumer).toList();
    }
}
