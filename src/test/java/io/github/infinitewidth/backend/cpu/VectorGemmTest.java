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

    /**
     * {@link VectorGemm#addTransposedProducts} (A's columns in place, B's rows) against the scalar
     * transposing copy with {@link CpuGemm#addProducts}: the same bits, for float64 and float32 A,
     * with row counts that cut the six-row tile and column counts that cut the vectors.
     */
    @ParameterizedTest(name = "rows {0}, k {1}, columns {2}")
    @CsvSource({"128,64,16", "131,37,13", "7,5,3", "6,1,100", "200,300,1", "33,8,17"})
    void transposedProductsAgreeBitForBit(int rows, int k, int n) {
        Random random = new Random(rows * 7000L + k * 70L + n);
        int lda = k + 5;
        double[] a = new double[lda * (rows + 2)];
        float[] af = new float[a.length];
        for (int i = 0; i < a.length; i++) {
            af[i] = (float) random.nextGaussian();
            a[i] = random.nextGaussian();
        }
        double[] b = new double[k * n];
        for (int i = 0; i < b.length; i++) {
            b[i] = random.nextGaussian();
        }
        int width = VectorGemm.paddedWidth(n);
        double[] bRows = CpuGemm.rows(b, 0, k, k, n, width);
        for (CpuGemm.Entries entries : new CpuGemm.Entries[] {new CpuGemm.Entries(a, null, 3),
                new CpuGemm.Entries(null, af, 3)}) {
            double[][] scalar = new double[n][rows];
            double[][] vector = new double[n][rows];
            for (int j = 0; j < n; j++) {
                for (int i = 0; i < rows; i++) {
                    scalar[j][i] = random.nextGaussian();
                    vector[j][i] = scalar[j][i];
                }
            }
            double[][] panel = CpuGemm.columnsOfTransposed(entries, 2, lda, 1, rows, k);
            CpuGemm.addProducts(panel, b, 0, k, n, scalar, false);
            VectorGemm.addTransposedProducts(entries, 2, lda, 1, rows, bRows, 0, width, k, n, vector);
            for (int j = 0; j < n; j++) {
                assertArrayEquals(scalar[j], vector[j], 0.0, "column " + j);
            }
        }
    }

    /** {@link VectorAdam#row} and the scalar form of Adam's pair step give the same bits, tail included. */
    @ParameterizedTest(name = "length {0}")
    @CsvSource({"256", "13", "3"})
    void adamRowsAgreeBitForBit(int length) {
        Random random = new Random(length);
        double[] g = new double[length];
        double[] p = new double[length + 4];
        double[] m = new double[length + 4];
        double[] v = new double[length + 4];
        for (int i = 0; i < length + 4; i++) {
            if (i < length) {
                g[i] = random.nextGaussian();
            }
            p[i] = random.nextGaussian();
            m[i] = random.nextGaussian();
            v[i] = Math.abs(random.nextGaussian());
        }
        double[] ps = p.clone();
        double[] ms = m.clone();
        double[] vs = v.clone();
        double c1 = 1 - Math.pow(0.9, 3);
        double c2 = 1 - Math.pow(0.999, 3);
        VectorAdam.row(g, length, p, 1, m, 2, v, 3, 0.9, 0.999, 1e-8, c1, c2, -0.05);
        for (int aa = 0; aa < length; aa++) {
            double mi = 0.9 * ms[2 + aa] + (1 - 0.9) * g[aa];
            double vi = 0.999 * vs[3 + aa] + (1 - 0.999) * g[aa] * g[aa];
            ms[2 + aa] = mi;
            vs[3 + aa] = vi;
            ps[1 + aa] = ps[1 + aa] + -0.05 * ((mi / c1) / (Math.sqrt(vi / c2) + 1e-8));
        }
        assertArrayEquals(ps, p, 0.0);
        assertArrayEquals(ms, m, 0.0);
        assertArrayEquals(vs, v, 0.0);
    }
}
