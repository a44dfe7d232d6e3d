package io.github.infinitewidth.limit.neuraltangent;

import io.github.infinitewidth.state.SavedStateException;
import io.github.infinitewidth.state.StateReader;
import io.github.infinitewidth.state.StateWriter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The error signals of every step so far, {@code nt/decay/chi} in a checkpoint: with weight decay the
 * NT-limit steps are functions of the whole history of chi (LIMITS.md 1.2), which is what they save;
 * the kets are rebuilt from the seed.
 */
final class SavedErrorSignals {
    private static final String NAME = "nt/decay/chi";

    private SavedErrorSignals() {}

    /** Saves {@code history}, each entry {@code width} numbers (m inputs times k outputs), one after another. */
    static void save(StateWriter out, List<double[]> history, int width) {
        double[] all = new double[history.size() * width];
        for (int r = 0; r < history.size(); r++) {
            System.arraycopy(history.get(r), 0, all, r * width, width);
        }
        out.doubles(NAME, all);
    }

    /** The error signals of the first {@code steps} steps as {@link #save} wrote them. */
    static List<double[]> read(StateReader in, int steps, int width) {
        double[] all = in.doubles(NAME);
        if (all.length != (long) steps * width) {
            throw new SavedStateException("the saved " + NAME + " has " + all.length + " entries, not " + steps * width);
        }
        List<double[]> history = new ArrayList<>();
        for (int r = 0; r < steps; r++) {
            history.add(Arrays.copyOfRange(all, r * width, (r + 1) * width));
        }
        return history;
    }
}
