package io.github.infinitewidth.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.github.infinitewidth.train.Data;
import io.github.infinitewidth.util.InvalidSpecException;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The files of Debian's dataset-fashion-mnist, where installed (skipped otherwise). */
class InstalledFashionMnistTest {
    private static final List<FashionMnistClass> TSHIRT_VS_TROUSER =
            List.of(FashionMnistClass.T_SHIRT, FashionMnistClass.TROUSER);

    @BeforeEach
    void needsThePackage() {
        assumeTrue(FashionMnist.installedIn(FashionMnist.PACKAGE_DIRECTORY), "dataset-fashion-mnist is not installed");
    }

    @Test
    void twoClassesGive784PixelInputsWithBothTargetsAndStandardizedTrainingPixels() {
        Data data = new FashionMnist(FashionMnist.PACKAGE_DIRECTORY, TSHIRT_VS_TROUSER, new double[] {1, -1}, 256, 1000,
                1, Standardization.GLOBAL).load();

        assertEquals(256, data.train().size());
        assertEquals(1000, data.test().size());
        assertEquals(28 * 28, data.dimension());
        double sum = 0;
        double square = 0;
        for (double[] input : data.train().inputs()) {
            for (double v : input) {
                sum += v;
                square += v * v;
            }
        }
        int n = 256 * 784;
        assertEquals(0, sum / n, 1e-9);
        assertEquals(1, square / n, 1e-9);
        double targets = 0;
        for (double t : data.allTargets()) {
            assertEquals(1, Math.abs(t));
            targets += t;
        }
        // both classes drawn: a subset of one class would sum to +-1256
        assertEquals(0, targets / 1256, 0.2);
    }

    @Test
    void eachClassHas6000TrainingImages() {
        FashionMnist tooMany = new FashionMnist(FashionMnist.PACKAGE_DIRECTORY, TSHIRT_VS_TROUSER, new double[] {1, -1},
                12001, 0, 1, Standardization.GLOBAL);
        InvalidSpecException e = assertThrows(InvalidSpecException.class, tooMany::load);
        assertEquals("data.fashionMnist.trainSize of 12001 is more than the 12000 training images of classes"
                + " t-shirt, trouser", e.getMessage());
    }
}
