package io.github.infinitewidth.limit.neuraltangent;

import io.github.infinitewidth.backend.Backend;
import io.github.infinitewidth.backend.DeviceMatrix;
import io.github.infinitewidth.engine.Checkpoints;
import io.github.infinitewidth.state.SavedStateException;
import io.github.infinitewidth.state.StateReader;
import io.github.infinitewidth.state.StateWriter;
import java.util.HashMap;
import java.util.Map;
import java.util.function.Consumer;

/** Checkpoints kept in memory: the latest saved state, to resume a run in the same test. */
final class MemoryCheckpoints implements Checkpoints {
    private final Backend backend;
    private final Saved resumeFrom;
    private Saved latest;

    /** Saves with {@code backend}'s matrices and resumes from {@code resumeFrom} (null: from the start). */
    MemoryCheckpoints(Backend backend, Saved resumeFrom) {
        this.backend = backend;
        this.resumeFrom = resumeFrom;
    }

    @Override
    public StateReader resumeFrom() {
        return resumeFrom;
    }

    @Override
    public void save(int replica, int step, Consumer<StateWriter> state) {
        Saved s = new Saved(backend);
        state.accept(s.writer());
        latest = s;
    }

    /** The last state saved, or null. */
    Saved latest() {
        return latest;
    }

    /** Named arrays, matrices downloaded as column-major arrays with their shape. */
    static final class Saved implements StateReader {
        private final Backend backend;
        private final Map<String, Object> arrays = new HashMap<>();
        private final Map<String, int[]> shapes = new HashMap<>();

        /** @param backend the backend of the matrices saved or restored (null when there are none) */
        Saved(Backend backend) {
            this.backend = backend;
        }

        /** What writes into this state. */
        StateWriter writer() {
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
                throw new SavedStateException(name + " was saved " + shape[0] + " x " + shape[1]);
            }
            backend.upload((double[]) get(name), into);
        }

        private Object get(String name) {
            Object a = arrays.get(name);
            if (a == null) {
                throw new SavedStateException("no saved " + name);
            }
            return a;
        }
    }
}
