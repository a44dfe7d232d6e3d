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
        assertEquals("data.test.inputs[0]", assertThrows(InvalidSpecException.class,
                () -> new Data(new Dataset(new double[][] {{1}}, new double[] {1}),
                        new Dataset(new double[][] {{1, 2}}, new double[] {1}))).field());
    }

    /** Test inputs are held to the train inputs' length, so a wrong first one is blamed, not the right ones after it. */
    @Test
    void aTestInputOfTheWrongLengthIsTheOneBlamed() {
        Dataset train = new Dataset(new double[][] {{1, 2}, {3, 4}}, new double[] {1, -1});
        InvalidSpecException first = assertThrows(InvalidSpecException.class, () -> new Data(train,
                new Dataset(new double[][] {{1, 2, 3}, {1, 2}, {3, 4}}, new double[] {0, 0, 0})));
        assertEquals("data.test.inputs[0]", first.field());
        assertEquals("data.test.inputs[0] has length 3, expected 2 like data.train.inputs", first.getMessage());
        InvalidSpecException last = assertThrows(InvalidSpecException.class, () -> new Data(train,
                new Dataset(new double[][] {{1, 2}, {3, 4}, {5}}, new double[] {0, 0, 0})));
        assertEquals("data.test.inputs[2]", last.field());
    }
}
