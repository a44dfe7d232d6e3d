package io.github.infinitewidth.job;

import io.github.infinitewidth.optim.Schedule;
import io.github.infinitewidth.util.Check;
import io.github.infinitewidth.util.InvalidSpecException;
import java.util.Map;

/**
 * The {@code optimizer.schedule} section (JOB-SPEC.md): the type, then only the fields that type
 * uses, so that a field which would change nothing (a {@code gamma} of a cosine schedule) is
 * refused instead of ignored. Whether the schedule fits the run is checked with the training
 * section ({@link Schedule#checkFits}).
 */
final class ScheduleSection {
    static final Map<String, Schedule.Type> TYPES = Section.spellings(Schedule.Type.values(), Schedule.Type::spelling);

    private ScheduleSection() {}

    /** The schedule of the section; {@link Schedule#CONSTANT} when absent. */
    static Schedule read(Section s) {
        s.allowOnly("type", "warmupSteps", "decaySteps", "finalFactor", "stepEvery", "gamma");
        Schedule.Type type = s.choice("type", TYPES, Schedule.Type.CONSTANT);
        switch (type) {
            case CONSTANT -> refuse(s, type, "decaySteps", "finalFactor", "stepEvery", "gamma");
            case LINEAR, COSINE -> refuse(s, type, "stepEvery", "gamma");
            case STEP -> refuse(s, type, "decaySteps", "finalFactor");
        }
        if (type == Schedule.Type.STEP) {
            s.required("stepEvery", " for type step (the decay by gamma happens every stepEvery steps)");
        }
        int decaySteps = s.has("decaySteps") ? Check.positive(s.field("decaySteps"), s.integer("decaySteps", 0))
                : Schedule.REST_OF_RUN;   // REST_OF_RUN is not a value a user can write
        return new Schedule(type, s.integer("warmupSteps", 0), decaySteps,
                s.number("finalFactor", type == Schedule.Type.CONSTANT ? 1.0 : Schedule.DEFAULT_FINAL_FACTOR),
                s.integer("stepEvery", 0), s.number("gamma", type == Schedule.Type.STEP ? Schedule.DEFAULT_GAMMA : 1.0));
    }

    private static void refuse(Section s, Schedule.Type type, String... unused) {
        for (String name : unused) {
            if (s.has(name)) {
                throw new InvalidSpecException(s.field(name), "does not apply to a schedule of type "
                        + type.spelling());
            }
        }
    }
}
