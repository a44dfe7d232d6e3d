package io.github.infinitewidth.state;

/**
 * A saved state that does not fit the simulation reading it: an array it needs is absent, of
 * another kind or shape, or holds values no save could have written. The message says which
 * array and why; whoever opened the state names its file (a corrupt checkpoint is bad input).
 */
public class SavedStateException extends IllegalStateException {
    private static final long serialVersionUID = 1L;

    public SavedStateException(String message) {
        super(message);
    }
}
