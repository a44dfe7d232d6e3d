package io.github.infinitewidth.job;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The "did you mean ...?" of an unknown field: typos find their field, other names find none. */
class NearestNameTest {
    private static final List<String> NETWORK = List.of("hiddenLayers", "activation", "width", "initStd");

    @Test
    void typosFindTheFieldTheyMisspell() {
        assertEquals(Optional.of("hiddenLayers"), NearestName.of("hiddenLayer", NETWORK));
        assertEquals(Optional.of("hiddenLayers"), NearestName.of("hiddenlayers", NETWORK), "case is ignored");
        assertEquals(Optional.of("hiddenLayers"), NearestName.of("hidden_layers", NETWORK));
        assertEquals(Optional.of("width"), NearestName.of("widht", NETWORK), "a swap of neighbours is one edit");
        assertEquals(Optional.of("initStd"), NearestName.of("initstd", NETWORK));
        assertEquals(Optional.of("activation"), NearestName.of("activaton", NETWORK));
    }

    @Test
    void namesFarFromEveryFieldFindNone() {
        assertEquals(Optional.empty(), NearestName.of("depth", NETWORK));
        assertEquals(Optional.empty(), NearestName.of("layers", NETWORK));
        assertEquals(Optional.empty(), NearestName.of("weights", List.of("inputs", "targets", "csv", "targetColumn")));
        assertEquals(Optional.empty(), NearestName.of("w", List.of("width")));
    }

    @Test
    void distanceCountsInsertionsDeletionsSubstitutionsAndSwaps() {
        assertEquals(0, NearestName.distance("width", "width"));
        assertEquals(1, NearestName.distance("widt", "width"));
        assertEquals(1, NearestName.distance("widthh", "width"));
        assertEquals(1, NearestName.distance("wodth", "width"));
        assertEquals(1, NearestName.distance("wdith", "width"));
        assertEquals(5, NearestName.distance("", "width"));
        assertEquals(4, NearestName.distance("weights", "targets"), "w-t, e-a, i-r, h-e");
    }
}
