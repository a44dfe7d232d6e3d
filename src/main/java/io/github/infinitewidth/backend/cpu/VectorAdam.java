package io.github.infinitewidth.backend.cpu;

import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * Adam's step on a row of pairs (LIMITS.md section 1) on the JDK's Vector API, for
 * {@link PairStep}: the operations of {@link io.github.infinitewidth.optim.UpdateFunction#adamDirection}
 * in the same order lane by lane (multiplications and additions unfused, as Java evaluates the scalar
 * form), so the same bits as the scalar loop. The step is memory bound; vector loads and stores
 * keep it near the machine's bandwidth. Loaded only when {@link CpuGemm#VECTOR}.
 */
final class VectorAdam {
    private static final VectorSpecies<Double> SPECIES = DoubleVector.SPECIES_PREFERRED;

    private VectorAdam() {}

    /**
     * {@code m = beta1 m + (1 - beta1) g; v = beta2 v + (1 - beta2) g g;
     * p = p + alpha (m / c1) / (sqrt(v / c2) + epsilon)} for {@code length} entries from the offsets.
     */
    static void row(double[] g, int length, double[] p, int po, double[] m, int mo, double[] v, int vo,
                    double beta1, double beta2, double epsilon, double c1, double c2, double alpha) {
        int aa = 0;
        for (; aa + SPECIES.length() <= length; aa += SPECIES.length()) {
            DoubleVector gi = DoubleVector.fromArray(SPECIES, g, aa);
            DoubleVector mi = DoubleVector.fromArray(SPECIES, m, mo + aa).mul(beta1).add(gi.mul(1 - beta1));
            DoubleVector vi = DoubleVector.fromArray(SPECIES, v, vo + aa).mul(beta2).add(gi.mul(1 - beta2).mul(gi));
            mi.intoArray(m, mo + aa);
            vi.intoArray(v, vo + aa);
            DoubleVector direction = mi.div(c1).div(vi.div(c2).sqrt().add(epsilon));
            DoubleVector.fromArray(SPECIES, p, po + aa).add(direction.mul(alpha)).intoArray(p, po + aa);
        }
        PairStep.adamEntries(g, aa, length, p, po, m, mo, v, vo, beta1, beta2, epsilon, c1, c2, alpha);
    }
}
