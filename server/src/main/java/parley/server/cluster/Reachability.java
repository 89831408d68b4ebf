package parley.server.cluster;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import parley.server.chat.ClusterUnavailable;

import java.util.concurrent.CompletionException;

/**
 * Whether this node is in the cluster now. Any call that finds the store out of reach takes the node out at once,
 * so that requests stop waiting for a store that does not answer and serve the users here alone; only the lease
 * renewal, once it has put this node's state back, brings it in again.
 */
final class Reachability {
    private static final Logger log = LoggerFactory.getLogger(Reachability.class);

    private volatile boolean inCluster;

    boolean isInCluster() {
        return inCluster;
    }

    /** The renewal worked and this node's state is in the store. */
    void joined(String node, int users) {
        if (!inCluster) {
            log.info("Node {} is in the cluster: {} users here", node, users);
        }
        inCluster = true;
    }

    /**
     * Looks at a failed call: true when it failed because the store is out of reach (the node is then out of the
     * cluster), false for any other failure.
     */
    boolean failed(Throwable failure) {
        Throwable cause = failure;
        while (cause instanceof CompletionException && cause.getCause() != null) {
            cause = cause.getCause();
        }
        if (!(cause instanceof ClusterUnavailable)) {
            return false;
        }
        if (inCluster) {
            inCluster = false;
            log.warn("The cluster store is out of reach ({}); serving the users here alone until it is back",
                    cause.getMessage());
        }
        return true;
    }
}
