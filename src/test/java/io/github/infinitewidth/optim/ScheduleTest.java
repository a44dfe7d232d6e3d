package io.github.infinitewidth.optim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.infinitewidth.util.InvalidSpecException;
import org.junit.jupiter.api.Test;

/** The factors {@code eta_t / eta} of LIMITS.md section 1.1, from their definitions. */
class ScheduleTest {
    private static Schedule of(Schedule.Type type, int warmup, int decay, double finalFactor) {
        return new Schedule(type, warmup, decay, finalFactor, 0, 1.0);
    }

    @Test
    void constantIsOneAtEveryStep() {
        for (int t = 0; t < 10; t++) {
            assertEquals(1.0, Schedule.CONSTANT.factor(t, 10));
        }
        assertTrue(Schedule.CONSTANT.isConstant());
    }

    @Test
    void warmupRisesLinearlyToOneThenHolds() {
        Schedule s = of(Schedule.Type.CONSTANT, 4, Schedule.REST_OF_RUN, 1.0);
        assertEquals(0.25, s.factor(0, 10));
        assertEquals(0.5, s.factor(1, 10));
        assertEquals(1.0, s.factor(3, 10));
        assertEquals(1.0, s.factor(9, 10));
        assertTrue(!s.isConstant());
    }

    @Test
    void linearDecayReachesTheFinalFactorAfterItsSteps() {
        Schedule s = of(Schedule.Type.LINEAR, 2, 4, 0.2);
        assertEquals(1.0, s.factor(2, 10));                  // p = 0
        assertEquals(1.0 - 0.8 * 0.5, s.factor(4, 10), 1e-15); // p = 1/2
        assertEquals(0.2, s.factor(6, 10), 1e-15);            // p = 1
        assertEquals(0.2, s.factor(9, 10), 1e-15);            // held after the decay
    }

    @Test
    void cosineDecayPassesTheMidpointAtTheMeanOfItsEnds() {
        Schedule s = of(Schedule.Type.COSINE, 0, Schedule.REST_OF_RUN, 0.1);
        assertEquals(1.0, s.factor(0, 8));
        assertEquals((1.0 + 0.1) / 2, s.factor(4, 8), 1e-15);        // p = 4/8
        assertEquals(0.1 + 0.9 * 0.5 * (1 + Math.cos(Math.PI * 7 / 8)), s.factor(7, 8), 1e-15);
    }

    @Test
    void stepDecayMultipliesByGammaEveryStepEvery() {
        Schedule s = new Schedule(Schedule.Type.STEP, 1, Schedule.REST_OF_RUN, 0.0, 3, 0.5);
        assertEquals(1.0, s.factor(0, 10));     // warm-up of one step
        assertEquals(1.0, s.factor(3, 10));     // 2 steps after the warm-up
        assertEquals(0.5, s.factor(4, 10));
        assertEquals(0.25, s.factor(7, 10));
    }

    @Test
    void aScheduleLongerThanTheRunIsRefusedNamingItsField() {
        InvalidSpecException warmup = assertThrows(InvalidSpecException.class,
                () -> of(Schedule.Type.COSINE, 11, Schedule.REST_OF_RUN, 0.0).checkFits(10));
        assertTrue(warmup.getMessage().startsWith("optimizer.schedule.warmupSteps"), warmup.getMessage());
        InvalidSpecException decay = assertThrows(InvalidSpecException.class,
                () -> of(Schedule.Type.LINEAR, 4, 7, 0.0).checkFits(10));
        assertTrue(decay.getMessage().startsWith("optimizer.schedule.decaySteps"), decay.getMessage());
        InvalidSpecException every = assertThrows(InvalidSpecException.class,
                () -> new Schedule(Schedule.Type.STEP, 0, Schedule.REST_OF_RUN, 0.0, 11, 0.5).checkFits(10));
        assertTrue(every.getMessage().startsWith("optimizer.schedule.stepEvery"), every.getMessage());
        of(Schedule.Type.LINEAR, 4, 6, 0.0).checkFits(10);   // exactly the run: fine
    }

    @Test
    void badValuesAreRefused() {
        assertThrows(InvalidSpecException.class, () -> of(Schedule.Type.LINEAR, -1, Schedule.REST_OF_RUN, 0.0));
        assertThrows(InvalidSpecException.class, () -> of(Schedule.Type.LINEAR, 0, 0, 0.0));
        assertThrows(InvalidSpecException.class, () -> of(Schedule.Type.LINEAR, 0, Schedule.REST_OF_RUN, -0.1));
        assertThrows(InvalidSpecException.class,
                () -> new Schedule(Schedule.Type.STEP, 0, Schedule.REST_OF_RUN, 0.0, 0, 0.5));
        assertThrows(InvalidSpecException.class,
                () -> new Schedule(Schedule.Type.STEP, 0, Schedule.REST_OF_RUN, 0.0, 2, 0.0));
    }
}
