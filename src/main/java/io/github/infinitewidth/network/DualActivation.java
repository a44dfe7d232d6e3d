package io.github.infinitewidth.network;

/**
 * Closed-form Gaussian expectations of an activation ("dual activations"), the building block
 * of the exact NNGP and NTK of LIMITS.md section 3. For a zero-mean Gaussian pair
 * {@code (h_i, h_j)} with variances {@code qi, qj} and covariance {@code c}:
 * <ul>
 *   <li>{@link #value} is {@code E[phi(h_i) phi(h_j)]},</li>
 *   <li>{@link #derivative} is {@code E[phi'(h_i) phi'(h_j)]}.</li>
 * </ul>
 * Known for identity (linear), relu (the arc-cosine kernels of degree 1 and 0, Cho and Saul
 * 2009) and erf (the arcsine kernel, Williams 1997).
 */
public final class DualActivation {
    private DualActivation() {}

    /** True when {@code phi} has closed forms here. */
    public static boolean exists(Activation phi) {
        return phi == Activation.IDENTITY || phi == Activation.RELU || phi == Activation.ERF;
    }

    /** {@code E[phi(h_i) phi(h_j)]}. */
    public static double value(Activation phi, double qi, double qj, double c) {
        switch (phi) {
            case IDENTITY:
                return c;
            case RELU: {
                // arc-cosine kernel of degree 1: sqrt(qi qj) (sin t + (pi - t) cos t) / (2 pi)
                double norm = Math.sqrt(qi * qj);
                if (norm == 0) {
                    return 0;
                }
                double t = angle(c / norm);
                return norm * (Math.sin(t) + (Math.PI - t) * Math.cos(t)) / (2 * Math.PI);
            }
            case ERF:
                // arcsine kernel: (2 / pi) asin(2c / sqrt((1 + 2 qi)(1 + 2 qj)))
                return 2 / Math.PI * Math.asin(clamp(2 * c / Math.sqrt((1 + 2 * qi) * (1 + 2 * qj))));
            default:
                throw unsupported(phi);
        }
    }

    /** {@code E[phi'(h_i) phi'(h_j)]}. */
    public static double derivative(Activation phi, double qi, double qj, double c) {
        switch (phi) {
            case IDENTITY:
                return 1;
            case RELU: {
                // arc-cosine kernel of degree 0: P(h_i > 0, h_j > 0) = (pi - t) / (2 pi)
                double norm = Math.sqrt(qi * qj);
                double t = norm == 0 ? Math.PI / 2 : angle(c / norm);
                return (Math.PI - t) / (2 * Math.PI);
            }
            case ERF:
                // E[erf'(h_i) erf'(h_j)] = (4 / pi) / sqrt((1 + 2 qi)(1 + 2 qj) - 4 c^2)
                return 4 / Math.PI / Math.sqrt((1 + 2 * qi) * (1 + 2 * qj) - 4 * c * c);
            default:
                throw unsupported(phi);
        }
    }

    /** The angle between the two Gaussians, with the cosine clamped against rounding. */
    private static double angle(double cosine) {
        return Math.acos(clamp(cosine));
    }

    private static double clamp(double x) {
        return Math.max(-1.0, Math.min(1.0, x));
    }

    private static IllegalArgumentException unsupported(Activation phi) {
        return new IllegalArgumentException("no closed-form kernel for activation " + phi.spelling()
                + " (closed forms exist for identity, relu, erf)");
    }
}
