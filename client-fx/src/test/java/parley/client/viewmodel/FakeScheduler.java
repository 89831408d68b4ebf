package parley.client.viewmodel;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/** Holds scheduled tasks until the test runs them. */
final class FakeScheduler implements Scheduler {
    private final List<Pending> pending = new ArrayList<>();

    private record Pending(Duration delay, Runnable task, boolean[] cancelled) {
    }

    @Override
    public Runnable schedule(Duration delay, Runnable task) {
        boolean[] cancelled = {false};
        pending.add(new Pending(delay, task, cancelled));
        return () -> cancelled[0] = true;
    }

    /** Delays of the tasks still waiting. */
    List<Duration> waiting() {
        return pending.stream().filter(p -> !p.cancelled()[0]).map(Pending::delay).toList();
    }

    /** Runs every waiting task, as if their time had come. */
    void runDue() {
        List<Pending> due = List.copyOf(pending);
        pending.clear();
        due.stream().filter(p -> !p.cancelled()[0]).forEach(p -> p.task().run());
    }
}
