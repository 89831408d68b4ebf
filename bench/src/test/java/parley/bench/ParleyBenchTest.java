package parley.bench;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import parley.server.ParleyServer;
import parley.server.chat.ChatLimits;
import parley.server.transport.TransportLimits;
import parley.server.transport.WebSocketServer;
import picocli.CommandLine;

import java.io.PrintWriter;
import java.io.StringWriter;

import static org.assertj.core.api.Assertions.assertThat;

/** The load generator against a real in-process server, at rates this machine holds easily. */
@Timeout(60)
class ParleyBenchTest {
    private WebSocketServer server;

    @BeforeEach
    void startServer() throws Exception {
        server = ParleyServer.start("127.0.0.1", 0, ChatLimits.defaults(), TransportLimits.defaults().withRate(0, 1, 0));
    }

    @AfterEach
    void stopServer() {
        server.stop();
    }

    @Test
    void fanoutDeliversEveryMessageToEveryMemberAndReportsTheRateThatHeld() {
        String report = run("--scenario", "fanout", "--clients", "20", "--senders", "2", "--rates", "10,20",
                "--duration", "1", "--warmup", "0", "--server-pid", Long.toString(ProcessHandle.current().pid()));

        assertThat(report).contains("fanout: 20 clients in one room, 2 senders")
                .contains("rate 10 msg/s: delivered").contains("missing 0").contains("server CPU")
                .contains("highest rate that held: 20 msg/s");
    }

    @Test
    void membersThatStopReadingDoNotCostTheOthersTheirMessages() {
        String report = run("--scenario", "fanout", "--clients", "10", "--senders", "1", "--stalled", "2",
                "--rates", "20", "--duration", "1", "--warmup", "0");

        assertThat(report).contains("and 2 members that stopped reading").contains("missing 0")
                .contains("highest rate that held: 20 msg/s");
    }

    @Test
    void whispersReachTheirRecipients() {
        String report = run("--scenario", "whispers", "--clients", "30", "--rates", "50", "--duration", "1", "--warmup", "1");

        assertThat(report).contains("rate 50 msg/s").contains("missing 0").contains("highest rate that held: 50 msg/s");
    }

    @Test
    void aStormReportsTheConnectRateAndTimeToJoined() {
        String report = run("--scenario", "storm", "--clients", "100", "--rooms", "7", "--concurrency", "20",
                "--server-pid", Long.toString(ProcessHandle.current().pid()));

        assertThat(report).containsPattern("storm: 100 clients connected, nicknamed and joined 7 rooms in [0-9.]+ s")
                .contains("time to joined p50").containsPattern("server CPU [0-9]+ µs per client")
                .contains("KiB per connection");
    }

    @Test
    void idleReportsMemoryPerConnectionOfALocalServer() {
        String report = run("--scenario", "idle", "--clients", "50",
                "--server-pid", Long.toString(ProcessHandle.current().pid()));

        assertThat(report).contains("idle: 50 connections").contains("KiB per connection");
    }

    private String run(String... args) {
        var out = new StringWriter();
        String[] withUrl = new String[args.length + 2];
        withUrl[0] = "--url";
        withUrl[1] = "ws://127.0.0.1:" + server.port() + "/chat";
        System.arraycopy(args, 0, withUrl, 2, args.length);

        int exit = new CommandLine(new ParleyBench()).setOut(new PrintWriter(out, true)).execute(withUrl);

        assertThat(exit).as(out.toString()).isZero();
        return out.toString();
    }
}
