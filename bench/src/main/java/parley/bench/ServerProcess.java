package parley.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * CPU time and memory of a server process on this machine, read from {@code /proc} (Linux). A pid of 0
 * means the server runs elsewhere: every reading is then 0.
 */
final class ServerProcess {
    /** Linux reports CPU times in clock ticks of 1/100 s. */
    private static final long MICROS_PER_TICK = 10_000;

    private final long pid;

    ServerProcess(long pid) {
        this.pid = pid;
    }

    boolean isLocal() {
        return pid > 0;
    }

    /** User plus system CPU time so far, in microseconds. */
    long cpuMicros() throws IOException {
        if (!isLocal()) {
            return 0;
        }
        String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
        // Fields after the command name, which is in parentheses and may hold spaces.
        String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        return (Long.parseLong(fields[11]) + Long.parseLong(fields[12])) * MICROS_PER_TICK;
    }

    /** Resident set size in KiB. */
    long rssKib() throws IOException {
        if (!isLocal()) {
            return 0;
        }
        for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"))) {
            if (line.startsWith("VmRSS:")) {
                return Long.parseLong(line.replaceAll("\\D", ""));
            }
        }
        return 0;
    }

    /** Java heap in use after a full GC, in KiB, through {@code jcmd}; -1 when that is not possible. */
    long heapAfterGcKib() {
        if (!isLocal()) {
            return -1;
        }
        try {
            run("jcmd", Long.toString(pid), "GC.run");
            return usedHeapKib(run("jcmd", Long.toString(pid), "GC.heap_info"));
        } catch (IOException e) {
            return -1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return -1;
        }
    }

    /**
     * The heap in use according to {@code jcmd GC.heap_info}: the sum over its generations, because collectors
     * differ (G1 reports one heap; Serial and Parallel, which a JVM on one core picks, a young and an old
     * generation). -1 when the output has none.
     */
    static long usedHeapKib(String heapInfo) {
        var matcher = java.util.regex.Pattern.compile("total \\d+K, used (\\d+)K").matcher(heapInfo);
        long used = -1;
        while (matcher.find()) {
            used = Math.max(used, 0) + Long.parseLong(matcher.group(1));
        }
        return used;
    }

    private static String run(String... command) throws IOException, InterruptedException {
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes());
        process.waitFor();
        return output;
    }
}
