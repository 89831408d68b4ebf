package parley.client.viewmodel;

import java.time.Duration;

/** Runs a task later on the FX thread. */
@FunctionalInterface
public interface Scheduler {

    /** Schedules the task; the returned action cancels it if it has not run yet. */
    Runnable schedule(Duration delay, Runnable task);
}
