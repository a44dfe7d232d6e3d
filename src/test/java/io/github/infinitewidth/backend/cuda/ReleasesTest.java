package io.github.infinitewidth.backend.cuda;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** What a backend took is given back last taken first, all of it even when a step fails. */
class ReleasesTest {

    @Test
    void everyStepRunsInReverseOrderAndTheFirstFailureIsThrownWithTheLaterOnesSuppressed() {
        List<String> ran = new ArrayList<>();
        Releases held = new Releases();
        RuntimeException streamFailure = new CudaFailure("close", "cuStreamDestroy", "CUDA_ERROR_ILLEGAL_ADDRESS");
        RuntimeException moduleFailure = new CudaFailure("close", "cuModuleUnload", "CUDA_ERROR_ILLEGAL_ADDRESS");
        held.push(() -> ran.add("context"));
        held.push(() -> {
            ran.add("stream");
            throw streamFailure;
        });
        held.push(() -> {
            ran.add("module");
            throw moduleFailure;
        });
        held.push(() -> ran.add("cublas"));
        RuntimeException thrown = assertThrows(RuntimeException.class, held::releaseAll);
        assertEquals(List.of("cublas", "module", "stream", "context"), ran);
        assertSame(moduleFailure, thrown);
        assertEquals(List.of(streamFailure), List.of(thrown.getSuppressed()));
        held.releaseAll(); // nothing is released twice
        assertEquals(4, ran.size());
    }
}
