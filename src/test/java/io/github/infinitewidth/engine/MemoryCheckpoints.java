package io.github.infinitewidth.engine;

import io.github.infinitewidth.backend.Backend;
import io.github.infinitewidth.backend.DeviceMatrix;
import io.github.infinitewidth.state.SavedStateException;
import io.github.infinitewidth.state.StateReader;
import io.github.infinitewidth.state.StateWriter;
import java.util.HashMap;
import java.util.Map;
import java.util.function.Consumer;

/**
 * Checkpoints kept in memory for the engines' resume tests (with a float64 backend, whose matrices
 * round-trip exactly through doubles): resumes from {@code resumeFrom}, keeps the last save, and
 * requests a stop right after save number {@code stopAfter} (1-based; never when it is not positive).
 */
public final class MemoryCheckpoints implements Checkpoints {
    private final Backend backend;
    private final StateReader resumeFrom;
    private final int stopAfter;
    private int saves;
    private Saved last;

    public MemoryCheckpoints(Backend backend, StateReader resumeFrom, int stopAfter) {
        this.backend = backend;
        this.resumeFrom = resumeFrom;
        this.stopAfter = stopAfter;
    }

    /** Checkpoints that never ask the run to stop. */
    public MemoryCheckpoints(Backend backend, StateReader resumeFrom) {
        this(backend, resumeFrom, -1);
    }

    @Override
    public StateReader resumeFrom() {
        return resumeFrom;
    }

    @Override
    public void save(int replica, int step, Consumer<StateWriter> state) {
        Saved saved = new Saved(backend);
        state.accept(saved.writer());
        last = saved;
        saves++;
    }

    @Override
    public boolean stopRequested() {
        return saves == stopAfter;
    }

    /** The state of the last save, or null. */
    public Saved last() {
        return last;
    }

    /** The named arrays of one save; a matrix is its column-major entries and its shape. */
    public static final class Saved implements StateReader {
        private final Backend backend;
        private final Map<String, Object> arrays = new HashMap<>();
        private final Map<String, int[]> shapes = new HashMap<>();

        /** @param backend the backend of the matrices saved or restored (null when there are none) */
        public Saved(Backend backend) {
            this.backend = backend;
        }

        /** What writes into this save (a writer's and a reader's {@code matrix} go opposite ways). */
        public StateWriter writer() {
            return new StateWriter() {
                @Override
                public void ints(String name, int... values) {
                    arrays.put(name, values.clone());
                }

                @Override
                public void longs(String name, long... values) {
                    arrays.put(name, values.clone());
                }

                @Override
                public void doubles(String name, double... values) {
                    arrays.put(name, values.clone());
                }

                @Override
                public void matrix(String name, DeviceMatrix m) {
                    arrays.put(name, backend.download(m));
                    shapes.put(name, new int[] {m.rows(), m.cols()});
                }
            };
        }

        @Override
        public boolean has(String name) {
            return arrays.containsKey(name);
        }

        @Override
        public int[] ints(String name) {
            return ((int[]) get(name)).clone();
        }

        @Override
        public long[] longs(String name) {
            return ((long[]) get(name)).clone();
        }

        @Override
        public double[] doubles(String name) {
            return ((double[]) get(name)).clone();
        }

        @Override
        public int[] shape(String name) {
            get(name);
            return shapes.get(name).clone();
        }

        @Override
        public void matrix(String name, DeviceMatrix into) {
            int[] shape = shape(name);
            if (shape[0] != into.rows() || shape[1] != into.cols()) {
                throw new SavedStateException(name + " is " + shape[0] + " x " + shape[1] + ", not " + into.rows()
                        + " x " + into.cols());
            }
            backend.upload((double[]) get(name), into);
        }

        private Object get(String name) {
            Object value = arrays.get(name);
            if (value == null) {
                throw new SavedStateException("no saved " + name);
            }
            return value;
        }
    }
}
