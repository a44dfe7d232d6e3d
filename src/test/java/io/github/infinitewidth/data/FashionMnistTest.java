package io.github.infinitewidth.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.infinitewidth.train.Data;
import io.github.infinitewidth.train.Dataset;
import io.github.infinitewidth.util.InvalidSpecException;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Class selection, subsets and standardization on {@link TinyFashionMnist}'s files (no package needed). */
class FashionMnistTest {
    @TempDir
    Path dir;

    @BeforeEach
    void writeFiles() throws IOException {
        TinyFashionMnist.write(dir, true);
    }

    private FashionMnist select(int trainSize, int testSize, long seed, Standardization standardize) {
        return new FashionMnist(dir, List.of(FashionMnistClass.TROUSER, FashionMnistClass.BAG), new double[] {1, -1},
                trainSize, testSize, seed, standardize);
    }

    @Test
    void keepsOnlyTheChosenClassesMappedToTheirTargets() {
        Data data = select(6, 3, 1, Standardization.NONE).load();

        assertEquals(6, data.train().size());
        assertEquals(3, data.test().size());
        assertEquals(TinyFashionMnist.PIXELS, data.dimension());
        assertImagesOfTrouserOrBag(data.train(), TinyFashionMnist.TRAIN);
        assertImagesOfTrouserOrBag(data.test(), TinyFashionMnist.TEST);
    }

    /** Each input is pixel / 255 of a distinct image, in file order, labelled 1 (target +1) or 8 (target -1). */
    private static void assertImagesOfTrouserOrBag(Dataset split, int images) {
        int previous = -1;
        for (int j = 0; j < split.size(); j++) {
            int image = imageOf(split, j, images);
            assertTrue(image > previous, "file order, each image once");
            previous = image;
            assertTrue(image % 10 == 1 || image % 10 == 8, "image " + image + " has label " + image % 10);
            assertEquals(image % 10 == 1 ? 1.0 : -1.0, split.target(j));
        }
    }

    /** The image whose pixels / 255 are input j. */
    private static int imageOf(Dataset split, int j, int images) {
        for (int i = 0; i < images; i++) {
            boolean same = true;
            for (int k = 0; k < TinyFashionMnist.PIXELS; k++) {
                same &= Math.abs(split.input(j, k) - TinyFashionMnist.pixel(i, k) / 255.0) < 1e-15;
            }
            if (same) {
                return i;
            }
        }
        throw new AssertionError("input " + j + " is no image of the file");
    }

    @Test
    void theSeedChoosesTheSubset() {
        Data one = select(4, 2, 1, Standardization.NONE).load();
        Data again = select(4, 2, 1, Standardization.NONE).load();
        Data other = select(4, 2, 2, Standardization.NONE).load();

        assertArrayEquals(one.allInputs(), again.allInputs());
        assertFalse(java.util.Arrays.deepEquals(one.allInputs(), other.allInputs()));
    }

    @Test
    void globalStandardizationUsesTheTrainingSubsetsMeanAndStandardDeviation() {
        Data raw = select(8, 4, 3, Standardization.NONE).load();
        Data standardized = select(8, 4, 3, Standardization.GLOBAL).load();

        double mean = 0;
        double square = 0;
        int n = 8 * TinyFashionMnist.PIXELS;
        for (double[] input : raw.train().inputs()) {
            for (double v : input) {
                mean += v / n;
                square += v * v / n;
            }
        }
        double std = Math.sqrt(square - mean * mean);
        for (int j = 0; j < raw.size(); j++) {
            for (int k = 0; k < TinyFashionMnist.PIXELS; k++) {
                assertEquals((raw.allInputs()[j][k] - mean) / std, standardized.allInputs()[j][k], 1e-12);
            }
        }
    }

    @Test
    void perPixelStandardizationGivesEachTrainingPixelMeanZeroAndVarianceOne() {
        Data data = select(8, 4, 3, Standardization.PER_PIXEL).load();

        for (int k = 0; k < TinyFashionMnist.PIXELS; k++) {
            double mean = 0;
            double square = 0;
            for (int j = 0; j < 8; j++) {
                mean += data.train().input(j, k) / 8;
                square += data.train().input(j, k) * data.train().input(j, k) / 8;
            }
            assertEquals(0, mean, 1e-12);
            assertEquals(1, square, 1e-12);
        }
        assertNotEquals(0, data.test().input(0, 0));
    }

    @Test
    void plainFilesAreReadToo(@TempDir Path plain) throws IOException {
        TinyFashionMnist.write(plain, false);
        FashionMnist f = new FashionMnist(plain, List.of(FashionMnistClass.TROUSER, FashionMnistClass.BAG),
                new double[] {1, -1}, 6, 3, 1, Standardization.NONE);

        assertArrayEquals(select(6, 3, 1, Standardization.NONE).load().allInputs(), f.load().allInputs());
    }

    @Test
    void refusesMoreImagesThanTheClassesHave() {
        InvalidSpecException e = assertThrows(InvalidSpecException.class,
                () -> select(9, 3, 1, Standardization.NONE).load());
        assertEquals("data.fashionMnist.trainSize of 9 is more than the 8 training images of classes trouser, bag",
                e.getMessage());
    }

    @Test
    void namesTheMissingFileAndThePackage(@TempDir Path empty) {
        FashionMnist f = new FashionMnist(empty, List.of(FashionMnistClass.TROUSER, FashionMnistClass.BAG),
                new double[] {1, -1}, 6, 3, 1, Standardization.NONE);
        assertFalse(FashionMnist.installedIn(empty));

        InvalidSpecException e = assertThrows(InvalidSpecException.class, f::load);

        assertEquals("data.fashionMnist.directory", e.field());
        assertTrue(e.getMessage().contains(empty.resolve("train-labels-idx1-ubyte.gz").toString()), e.getMessage());
        assertTrue(e.getMessage().contains("dataset-fashion-mnist"), e.getMessage());
    }
}
