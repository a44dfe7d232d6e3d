package io.github.infinitewidth.backend.cpu;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * {@link VectorGemm} and the scalar loop of {@link CpuGemm} give the same bits: both fuse every
 * term into every sum in ascending order. Shapes cut the register tile in rows (not a multiple of
 * twice the vector length, nor of the vector length) and in columns (not a multiple of 6), and
 * the sums start nonzero, as they do after the first chunk of k.
 */
class VectorGemmTest {

    @ParameterizedTest(name = "rows {0}, k {1}, columns {2}")
    @CsvSource({"128,64,12", "131,37,13", "7,5,3", "16,1,6", "200,300,1", "33,8,100"})
    void vectorAndScalarPathsAgreeBitForBit(int rows, int k, int n) {
        assertTrue(CpuGemm.VECTOR, "the tests run with --add-modules jdk.incubator.vector (pom.xml)");
        Random random = new Random(rows * 1000L + k * 10L + n);
        double[][] panel = new double[k][rows];
        for (double[] column : panel) {
            for (int i = 0; i < rows; i++) {
                column[i] = random.nextGaussian();
            }
        }
        int ldb = k + 3;
        double[] b = new double[3 + ldb * n];
        for (int i = 0; i < b.length; i++) {
            b[i] = random.nextGaussian();
        }
        double[][] scalar = new double[n][rows];
        double[][] vector = new double[n][rows];
        for (int j = 0; j < n; j++) {
            for (int i = 0; i < rows; i++) {
                scalar[j][i] = random.nextGaussian();
                vector[j][i] = scalar[j][i];
            }
        }
        CpuGemm.addProducts(panel, b, 3, ldb, n, scalar, false);
        CpuGemm.addProducts(panel, b, 3, ldb, n, vector, true);
        for (int j = 0; j < n; j++) {
            assertArrayEquals(scalar[j], vector[j], 0.0, "column " + j);
        }
    }
}
