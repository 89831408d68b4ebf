package parley.client.notify;

import parley.client.viewmodel.Notifier;

import java.nio.file.Path;
import java.util.Locale;

/**
 * Picks how this system shows notifications: the freedesktop service on Linux (over the session D-Bus, or through
 * {@code notify-send} when there is no bus address to use), a tray icon where the system has a tray, and the
 * window's own toasts when there is nothing else.
 */
public final class Notifiers {
    private Notifiers() {
    }

    public static Notifier forThisSystem(Notifier inWindow) {
        String os = System.getProperty("os.name", "").toLowerCase(Locale.ROOT);
        if (os.contains("linux") || os.contains("bsd")) {
            // GNOME has no tray for AWT, and AWT on Linux is best left unloaded: the service or the toasts.
            if (DbusNotifier.hasSessionBus()) {
                return new DbusNotifier(inWindow);
            }
            Path notifySend = NotifySend.find();
            return notifySend != null ? new NotifySend(notifySend, inWindow) : inWindow;
        }
        TrayNotifier tray = java.awt.GraphicsEnvironment.isHeadless() ? null : TrayNotifier.create();
        return tray != null ? tray : inWindow;
    }
}
