package io.github.infinitewidth.optim;

import io.github.infinitewidth.util.Check;
import io.github.infinitewidth.util.InvalidSpecException;

/**
 * A learning-rate schedule (job field {@code optimizer.schedule}, LIMITS.md section 1.1): step t
 * updates with {@code eta_t = eta * factor(t)}, {@code 0 <= factor(t) <= 1}. The factor is a scalar
 * per step, the same for every parameter and every width, so every engine applies it exactly
 * (StrictMath: the same factor on every JVM).
 *
 * <ul>
 *   <li>Warm-up, steps {@code t < warmupSteps}: {@code factor = (t + 1) / warmupSteps}.</li>
 *   <li>Decay, from {@code w = warmupSteps} over {@code decaySteps = D} steps (default: the rest of
 *   the run), with progress {@code p = min(1, (t - w) / D)}: {@code constant} 1; {@code linear}
 *   {@code 1 - (1 - f) p}; {@code cosine} {@code f + (1 - f) (1 + cos(pi p)) / 2}; {@code step}
 *   {@code gamma^floor((t - w) / stepEvery)}, with {@code f = finalFactor}.</li>
 * </ul>
 *
 * @param decaySteps {@link #REST_OF_RUN} for "the steps after the warm-up"
 * @param stepEvery used by {@code step} only (0 otherwise)
 */
public record Schedule(Type type, int warmupSteps, int decaySteps, double finalFactor, int stepEvery, double gamma) {
    public static final int REST_OF_RUN = -1;
    public static final double DEFAULT_FINAL_FACTOR = 0.0;
    public static final double DEFAULT_GAMMA = 0.1;
    /** No schedule: every step uses the learning rate as given. */
    public static final Schedule CONSTANT = new Schedule(Type.CONSTANT, 0, REST_OF_RUN, 1.0, 0, 1.0);

    /** The shape of the decay after the warm-up. */
    public enum Type {
        CONSTANT("constant"), LINEAR("linear"), COSINE("cosine"), STEP("step");

        private final String spelling;

        Type(String spelling) {
            this.spelling = spelling;
        }

        /** The job-file spelling. */
        public String spelling() {
            return spelling;
        }
    }

    public Schedule {
        Check.present("optimizer.schedule.type", type);
        Check.nonNegative("optimizer.schedule.warmupSteps", warmupSteps);
        if (decaySteps != REST_OF_RUN) {
            Check.positive("optimizer.schedule.decaySteps", decaySteps);
        }
        // a schedule only lowers the rate (s_t <= 1), so eta bounds every step's rate (and decay)
        atMostOne("optimizer.schedule.finalFactor", Check.nonNegative("optimizer.schedule.finalFactor", finalFactor));
        atMostOne("optimizer.schedule.gamma", Check.positive("optimizer.schedule.gamma", gamma));
        if (type == Type.STEP) {
            Check.positive("optimizer.schedule.stepEvery", stepEvery);
        }
    }

    private static void atMostOne(String field, double value) {
        if (value > 1) {
            throw new InvalidSpecException(field, "must be <= 1 (a schedule decays the rate), got " + value);
        }
    }

    /** True when every step uses the learning rate as given. */
    public boolean isConstant() {
        return type == Type.CONSTANT && warmupSteps == 0;
    }

    /**
     * Refuses a schedule longer than a run of {@code steps} steps (named in the message as
     * {@code training.steps}): its warm-up, warm-up plus decay, or step interval.
     */
    public void checkFits(int steps) {
        if (warmupSteps > steps) {
            throw new InvalidSpecException("optimizer.schedule.warmupSteps",
                    "is " + warmupSteps + ", longer than the run (training.steps = " + steps + ")");
        }
        if (decaySteps != REST_OF_RUN && (long) warmupSteps + decaySteps > steps) {
            throw new InvalidSpecException("optimizer.schedule.decaySteps", "warmupSteps + decaySteps = "
                    + ((long) warmupSteps + decaySteps) + " is longer than the run (training.steps = " + steps + ")");
        }
        if (type == Type.STEP && stepEvery > steps) {
            throw new InvalidSpecException("optimizer.schedule.stepEvery",
                    "is " + stepEvery + ", longer than the run (training.steps = " + steps + ")");
        }
    }

    /** {@code eta_t / eta} for step t (0-based) of a run of {@code steps} steps. */
    public double factor(int t, int steps) {
        if (t < warmupSteps) {
            return (t + 1.0) / warmupSteps;
        }
        int since = t - warmupSteps;
        int span = decaySteps == REST_OF_RUN ? Math.max(1, steps - warmupSteps) : decaySteps;
        double p = Math.min(1.0, since / (double) span);
        return switch (type) {
            case CONSTANT -> 1.0;
            case LINEAR -> 1.0 - (1.0 - finalFactor) * p;
            case COSINE -> finalFactor + (1.0 - finalFactor) * 0.5 * (1.0 + StrictMath.cos(Math.PI * p));
            case STEP -> Math.pow(gamma, since / stepEvery);
        };
    }
}
