package io.github.infinitewidth.util;

/**
 * Bad input: a job field with a value the library cannot use. The message is one line,
 * {@code "<field> <problem>"}, e.g. {@code "optimizer.learningRate must be finite and > 0, got -1"};
 * the command line prints it as is and exits with status 2.
 */
public class InvalidSpecException extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;
    private final String field;

    public InvalidSpecException(String field, String problem) {
        super(field + " " + problem);
        this.field = field;
    }

    /** The dotted job-file name of the offending field, e.g. {@code optimizer.learningRate}. */
    public String field() {
        return field;
    }
}
