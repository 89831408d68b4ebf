package parley.client.view;

import atlantafx.base.theme.PrimerDark;
import atlantafx.base.theme.PrimerLight;
import javafx.application.Application;
import javafx.scene.Parent;

/** The two looks: AtlantaFX's Primer Light and Primer Dark, with Parley's own stylesheet on top. */
public enum Theme {
    LIGHT("Light"), DARK("Dark");

    private final String label;

    Theme(String label) {
        this.label = label;
    }

    public String label() {
        return label;
    }

    /** Applies the theme to the whole application; {@code root} gets the style class the own stylesheet keys on. */
    public void apply(Parent root) {
        Application.setUserAgentStylesheet(this == DARK
                ? new PrimerDark().getUserAgentStylesheet() : new PrimerLight().getUserAgentStylesheet());
        root.getStyleClass().removeAll("light", "dark");
        root.getStyleClass().add(this == DARK ? "dark" : "light");
    }
}
