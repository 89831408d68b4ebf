package parley.client.view;

import javafx.beans.property.BooleanProperty;
import javafx.beans.property.DoubleProperty;
import javafx.beans.property.ObjectProperty;
import javafx.beans.property.SimpleBooleanProperty;
import javafx.beans.property.SimpleDoubleProperty;
import javafx.beans.property.SimpleObjectProperty;

/** How the window looks, chosen in the View menu and remembered by the app. */
public final class ViewOptions {
    public static final double MIN_ZOOM = 0.7;
    public static final double MAX_ZOOM = 2.0;
    static final double ZOOM_STEP = 0.1;

    private final ObjectProperty<Theme> theme = new SimpleObjectProperty<>(Theme.LIGHT);
    private final DoubleProperty zoom = new SimpleDoubleProperty(1.0);
    private final BooleanProperty showSeconds = new SimpleBooleanProperty(false);
    private final BooleanProperty memberListVisible = new SimpleBooleanProperty(true);
    private final BooleanProperty keepLogs = new SimpleBooleanProperty(true);

    public ObjectProperty<Theme> themeProperty() {
        return theme;
    }

    /** Scale of the log and input text; 1 is the theme's size. */
    public DoubleProperty zoomProperty() {
        return zoom;
    }

    public BooleanProperty showSecondsProperty() {
        return showSeconds;
    }

    public BooleanProperty memberListVisibleProperty() {
        return memberListVisible;
    }

    /** Whether conversations are written to the log folder. */
    public BooleanProperty keepLogsProperty() {
        return keepLogs;
    }

    void zoomBy(double step) {
        double next = Math.round((zoom.get() + step) * 10) / 10.0;
        zoom.set(Math.max(MIN_ZOOM, Math.min(MAX_ZOOM, next)));
    }
}
