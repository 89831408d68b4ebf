package parley.server.transport;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The shortcut for frames reaches into Tyrus's filter; when a Tyrus upgrade moves what it uses, this fails
 * instead of the server quietly falling back to the slower path that keeps each upgrade request in memory.
 * (Every integration test's frames travel the shortcut.)
 */
class UpgradedReadFilterTest {

    @Test
    void reachesTheWebSocketAndTaskProcessorThatTyrusKeepsPerConnection() {
        assertThat(UpgradedReadFilter.isActive()).isTrue();
    }
}
