package io.github.infinitewidth.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.github.infinitewidth.util.InvalidSpecException;
import org.junit.jupiter.api.Test;

class DataTest {

    @Test
    void inputsAreOrderedTrainThenTest() {
        Data data = new Data(new Dataset(new double[][] {{1, 2}, {3, 4}}, new double[] {1, -1}),
                new Dataset(new double[][] {{5, 6}}, new double[] {0.5}));
        assertEquals(3, data.size());
        assertArrayEquals(new double[] {5, 6}, data.allInputs()[2], 0);
        assertArrayEquals(new double[] {1, -1, 0.5}, data.allTargets(), 0);
    }

    @Test
    void badSplitsNameTheField() {
        assertEquals("data.train", assertThrows(InvalidSpecException.class,
                () -> new Data(Dataset.empty(), null)).field());
        assertEquals("data.train", assertThrows(InvalidSpecException.class,
                () -> new Data(new Dataset(new double[][] {{1}}, new double[] {1, 2}), null)).field());
        assertEquals("data.train.inputs[1]", assertThrows(InvalidSpecException.class,
                () -> new Data(new Dataset(new double[][] {{1}, {1, 2}}, new double[] {1, 2}), null)).field());
        assertEquals("data.train.inputs[0][0]", assertThrows(InvalidSpecException.class,
                () -> new Data(new Dataset(new double[][] {{Double.NaN}}, new double[] {1}), null)).field());
        assertEquals("data.test.inputs", assertThrows(InvalidSpecException.class,
                () -> new Data(new Dataset(new double[][] {{1}}, new double[] {1}),
                        new Dataset(new double[][] {{1, 2}}, new double[] {1}))).field());
    }
}
