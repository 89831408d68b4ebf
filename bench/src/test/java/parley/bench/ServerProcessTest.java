package parley.bench;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** Reading the heap in use from {@code jcmd GC.heap_info}, whichever collector the server runs. */
class ServerProcessTest {

    @Test
    void g1ReportsOneHeap() {
        String g1 = """
                 garbage-first heap   total 262144K, used 42805K [0x0000000604000000, 0x0000000800000000)
                  region size 4096K, 2 young (8192K), 0 survivors (0K)
                 Metaspace       used 8486K, committed 8704K, reserved 1114112K
                """;

        assertThat(ServerProcess.usedHeapKib(g1)).isEqualTo(42805);
    }

    @Test
    void serialReportsTheYoungAndTheOldGenerationWhichAddUp() {
        String serial = """
                 def new generation   total 116224K, used 120K [0x0000000687400000, 0x000000068f210000, 0x0000000704d50000)
                  eden space 103360K,   0% used [0x0000000687400000, 0x0000000687400000, 0x000000068d8f0000)
                  from space 12864K,   0% used [0x000000068d8f0000, 0x000000068d8f0000, 0x000000068e580000)
                 tenured generation   total 258048K, used 4886K [0x0000000704d50000, 0x0000000714950000, 0x0000000800000000)
                   the space 258048K,   1% used [0x0000000704d50000, 0x00000007052158e0, 0x0000000705215a00, 0x0000000714950000)
                 Metaspace       used 8486K, committed 8704K, reserved 1114112K
                """;

        assertThat(ServerProcess.usedHeapKib(serial)).isEqualTo(5006);
    }

    @Test
    void outputWithoutAHeapIsUnknown() {
        assertThat(ServerProcess.usedHeapKib("20957:\nCould not attach")).isEqualTo(-1);
    }
}
