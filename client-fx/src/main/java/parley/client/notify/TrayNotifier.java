package parley.client.notify;

import parley.client.viewmodel.Notifier;

import java.awt.AWTException;
import java.awt.EventQueue;
import java.awt.SystemTray;
import java.awt.TrayIcon;
import java.awt.image.BufferedImage;

/** Notifications as balloons of a tray icon: the way on Windows and macOS. */
final class TrayNotifier implements Notifier {
    private final TrayIcon icon;

    private TrayNotifier(TrayIcon icon) {
        this.icon = icon;
    }

    /** A tray notifier, or null when the system has no tray. */
    static TrayNotifier create() {
        try {
            if (!SystemTray.isSupported()) {
                return null;
            }
            var image = new BufferedImage(16, 16, BufferedImage.TYPE_INT_ARGB);
            var graphics = image.createGraphics();
            graphics.setColor(new java.awt.Color(0x3D, 0x6B, 0xD6));
            graphics.fillOval(1, 1, 14, 14);
            graphics.dispose();
            var icon = new TrayIcon(image, "Parley");
            icon.setImageAutoSize(true);
            SystemTray.getSystemTray().add(icon);
            return new TrayNotifier(icon);
        } catch (AWTException | UnsupportedOperationException | SecurityException e) {
            return null;
        }
    }

    @Override
    public void show(String summary, String body) {
        EventQueue.invokeLater(() -> icon.displayMessage(summary, body, TrayIcon.MessageType.INFO));
    }
}
