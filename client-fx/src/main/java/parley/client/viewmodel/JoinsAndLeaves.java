package parley.client.viewmodel;

/** Which join, leave and rename lines the log shows. */
public enum JoinsAndLeaves {
    ALL("Show all"),
    NONE("Hide all"),
    /** Only of people who spoke in the last 10 minutes: the ones whose leaving matters to a conversation. */
    SMART("Only of people who spoke lately");

    private final String label;

    JoinsAndLeaves(String label) {
        this.label = label;
    }

    public String label() {
        return label;
    }
}
