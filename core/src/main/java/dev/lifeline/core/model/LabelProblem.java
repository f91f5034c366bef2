package dev.lifeline.core.model;

/** A label Lifeline could not use, reported per container; never fatal. */
public record LabelProblem(String container, String key, String value, String message) {
    @Override
    public String toString() {
        return "container=" + container + " label=" + key + " value=\"" + value + "\": " + message;
    }
}
