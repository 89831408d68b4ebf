package parley.client.notify;

import org.freedesktop.dbus.connections.impl.DBusConnection;
import org.freedesktop.dbus.connections.impl.DBusConnectionBuilder;
import org.freedesktop.dbus.exceptions.DBusException;
import org.freedesktop.dbus.types.UInt32;
import org.freedesktop.dbus.types.Variant;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import parley.client.viewmodel.Notifier;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * Linux desktop notifications: {@code org.freedesktop.Notifications.Notify} on the session D-Bus, called on a
 * thread of its own. When no notification service answers, the fallback shows it too (a service may come later:
 * every notification is offered to the bus first); when there is no bus at all, everything goes to the fallback.
 */
final class DbusNotifier implements Notifier {
    private static final Logger log = LoggerFactory.getLogger(DbusNotifier.class);
    private static final int SHOW_MILLIS = 6_000;
    private final Notifier fallback;
    private final ExecutorService caller = Executors.newSingleThreadExecutor(runnable -> {
        Thread thread = new Thread(runnable, "parley-notify");
        thread.setDaemon(true);
        return thread;
    });
    private DBusConnection bus;
    private FreedesktopNotifications service;
    private volatile boolean broken;
    private volatile boolean serviceMissing;

    DbusNotifier(Notifier fallback) {
        this.fallback = fallback;
    }

    @Override
    public void show(String summary, String body) {
        if (broken) {
            fallback.show(summary, body);
            return;
        }
        caller.execute(() -> {
            try {
                if (service == null) {
                    bus = DBusConnectionBuilder.forSessionBus().withShared(false).build();
                    service = bus.getRemoteObject(FreedesktopNotifications.BUS_NAME, FreedesktopNotifications.OBJECT_PATH,
                            FreedesktopNotifications.class);
                }
                service.Notify("Parley", new UInt32(0), "mail-message-new", summary, body, List.of(),
                        Map.of("category", new Variant<>("im.received")), SHOW_MILLIS);
            } catch (DBusException e) {
                broken = true;
                log.warn("No session D-Bus ({}); notifications show inside the window", e.getMessage());
                fallback.show(summary, body);
            } catch (RuntimeException e) {
                if (!serviceMissing) {
                    serviceMissing = true;
                    log.warn("No desktop notification service answers ({}); notifications show inside the window too",
                            e.getMessage());
                }
                fallback.show(summary, body);
            }
        });
    }

    /** Whether this system has a session bus to try. */
    static boolean hasSessionBus() {
        String address = System.getenv("DBUS_SESSION_BUS_ADDRESS");
        return (address != null && !address.isBlank()) || System.getenv("XDG_RUNTIME_DIR") != null;
    }
}
