package parley.server;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;
import parley.server.chat.Backplane;
import parley.server.cluster.ClusterStore;
import parley.server.cluster.RedisClusterStore;
import redis.embedded.RedisServer;

import java.io.IOException;
import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A node renewing a nickname that the store gives to another node: a user whose connection was lost here has simply
 * resumed elsewhere (as all of a draining node's users do) and is no cause for alarm; a connected user is, since
 * it means this node was cut off long enough for its lease to run out.
 */
class LeaseConflictIntegrationTest {
    private static final long LEASE_MILLIS = 10_000;

    private RedisServer redis;
    private RedisClusterStore here;
    private RedisClusterStore elsewhere;
    private final ListAppender<ILoggingEvent> log = new ListAppender<>();
    private final Logger storeLog = (Logger) LoggerFactory.getLogger(RedisClusterStore.class);

    @BeforeEach
    void start() throws IOException {
        int port = TestRedis.freePort();
        redis = TestRedis.startOn(port);
        here = new RedisClusterStore("redis://127.0.0.1:" + port, Duration.ofSeconds(2), 1_000);
        elsewhere = new RedisClusterStore("redis://127.0.0.1:" + port, Duration.ofSeconds(2), 1_000);
        log.start();
        storeLog.addAppender(log);
    }

    @AfterEach
    void stop() throws IOException {
        storeLog.detachAppender(log);
        here.abandon();
        elsewhere.abandon();
        redis.stop();
    }

    @Test
    void aUserWhoseConnectionWasLostHereAndResumedElsewhereIsNoWarning() {
        renew(here, lease(here, "ann", true));
        resumeElsewhere("ann");

        renew(here, lease(here, "ann", false));

        assertThat(warnings()).isEmpty();
    }

    @Test
    void aConnectedUserWhoseNicknameWentElsewhereIsAWarningThatNamesThem() {
        renew(here, lease(here, "ann", true), lease(here, "bob", true));
        resumeElsewhere("ann");

        renew(here, lease(here, "ann", true), lease(here, "bob", true));

        assertThat(warnings()).singleElement().asString()
                .contains("claimed elsewhere while this node was cut off", "[ann]").doesNotContain("bob");
    }

    private static ClusterStore.UserLease lease(RedisClusterStore node, String nick, boolean connected) {
        String owner = owner(node);
        return new ClusterStore.UserLease(nick, owner, nick, node.nodeId() + "-" + nick,
                new Backplane.Session(nick, List.of(), owner, null), connected);
    }

    /** The other node takes the nickname over, as when the user resumes there. */
    private void resumeElsewhere(String nick) {
        boolean taken = elsewhere.takeNick(nick, owner(here), owner(elsewhere), nick, LEASE_MILLIS).toCompletableFuture().join();
        assertThat(taken).isTrue();
    }

    private static String owner(RedisClusterStore node) {
        return node.nodeId() + "/1";
    }

    private static void renew(RedisClusterStore node, ClusterStore.UserLease... users) {
        node.renew(List.of(users), LEASE_MILLIS, LEASE_MILLIS).toCompletableFuture().join();
    }

    private List<String> warnings() {
        return log.list.stream().filter(event -> event.getLevel() == Level.WARN)
                .map(ILoggingEvent::getFormattedMessage).toList();
    }
}
