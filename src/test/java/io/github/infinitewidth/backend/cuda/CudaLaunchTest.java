package io.github.infinitewidth.backend.cuda;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** Launch geometry, checked without a GPU, and its agreement with the tile sizes compiled into the kernels. */
@Tag("sources")
class CudaLaunchTest {

    @Test
    void elementwiseLaunchesOneThreadPerElementUpToTheCap() {
        assertEquals(new CudaLaunch.Grid(1, 1), CudaLaunch.elementwise(1));
        assertEquals(new CudaLaunch.Grid(1, 1), CudaLaunch.elementwise(256));
        assertEquals(new CudaLaunch.Grid(2, 1), CudaLaunch.elementwise(257));
        assertTrue(CudaLaunch.elementwise(0).empty());
        // a 65536 x 65536 pair matrix: the grid is capped and the kernels stride over the rest
        assertEquals(new CudaLaunch.Grid(CudaLaunch.MAX_ELEMENTWISE_BLOCKS, 1), CudaLaunch.elementwise(1L << 32));
    }

    @Test
    void reductionsCutParticlesIntoFixedChunks() {
        assertEquals(0, CudaLaunch.reduceChunks(0));
        assertEquals(1, CudaLaunch.reduceChunks(4096));
        assertEquals(2, CudaLaunch.reduceChunks(4097));
        assertEquals(new CudaLaunch.Grid(6 * 2, 1), CudaLaunch.reduce(6, 2));
        assertEquals(new CudaLaunch.Grid(CudaLaunch.MAX_ELEMENTWISE_BLOCKS, 1), CudaLaunch.reduce(65536, 16));
        // Gram matrices: 2000 x 204 entries in tiles of 64 (32 x 4), for each of 16 chunks of 65536 particles
        assertEquals(new CudaLaunch.Grid(32, 4 * 16), CudaLaunch.gram("gram", 2000, 204, 16));
    }

    @Test
    void tiledKernelsCoverEveryEntryWithWholeTiles() {
        assertEquals(new CudaLaunch.Grid(3, 2), CudaLaunch.gemm("gemm", 131, 67));
        assertEquals(new CudaLaunch.Grid(1, 1), CudaLaunch.gemm("gemm", 64, 64));
        assertEquals(new CudaLaunch.Grid(2, 3), CudaLaunch.pairAccumulate("pairs", 70, 130));
    }

    @Test
    void pairOuterCutsBIntoRangesUntilTheGridHasEnoughBlocksAndNeverAlongTheOutputColumns() {
        // small: one tile of b per block; the output columns never add blocks
        assertEquals(new CudaLaunch.PairOuterGrid(new CudaLaunch.Grid(3, 4), 1), CudaLaunch.pairOuter(150, 203, 2));
        assertEquals(new CudaLaunch.PairOuterGrid(new CudaLaunch.Grid(3, 4), 1), CudaLaunch.pairOuter(150, 203, 1000));
        // 8192 particles: 128 tiles of a, 8 ranges of 16 tiles of b, 1024 blocks
        assertEquals(new CudaLaunch.PairOuterGrid(new CudaLaunch.Grid(128, 8), 16), CudaLaunch.pairOuter(8192, 8192, 104));
        // 65536: 1024 tiles of a already, so one range holds all of b and no finishing pass is needed
        assertEquals(new CudaLaunch.PairOuterGrid(new CudaLaunch.Grid(1024, 1), 1024),
                CudaLaunch.pairOuter(65536, 65536, 104));
        // 400 tiles of a want 3 ranges of 7 tiles of b: 3 tiles per block, the last range has one
        assertEquals(new CudaLaunch.PairOuterGrid(new CudaLaunch.Grid(400, 3), 3), CudaLaunch.pairOuter(25600, 448, 5));
        assertTrue(CudaLaunch.pairOuter(0, 3, 3).grid().empty());
        assertTrue(CudaLaunch.pairOuter(3, 0, 3).grid().empty());
        assertTrue(CudaLaunch.pairOuter(3, 3, 0).grid().empty());
    }

    @Test
    void pairOuterSumsTakeOneFloat64PerRangeParticleAndOutputColumn() {
        // 8192 particles, 8 ranges (above): 8 x 8192 x 104 doubles
        assertEquals(8.0 * 8192 * 104 * 8, CudaLaunch.pairOuterSumsBytes(8192, 8192, 104));
        assertEquals(1.0 * 65536 * 104 * 8, CudaLaunch.pairOuterSumsBytes(65536, 65536, 104));
        assertEquals(3.0 * 25600 * 5 * 8, CudaLaunch.pairOuterSumsBytes(25600, 448, 5));
        assertEquals(0.0, CudaLaunch.pairOuterSumsBytes(3, 3, 0));
        // hostile sizes do not wrap: 2^31 - 1 particles and columns
        assertTrue(CudaLaunch.pairOuterSumsBytes(Integer.MAX_VALUE, Integer.MAX_VALUE, Integer.MAX_VALUE) > 1e18);
    }

    @Test
    void aGridBeyondCudasLimitIsRefusedNamingTheOperation() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> CudaLaunch.gemm("gemm (op(A) 4 x 1, op(B) 1 x 5000000)", 4, 5_000_000));
        assertTrue(e.getMessage().startsWith("gemm (op(A) 4 x 1"), e.getMessage());
    }

    @Test
    void tileSizesAgreeWithTheKernelSources() throws IOException {
        assertEquals(CudaLaunch.REDUCE_CHUNK, define("reductions.cuh", "REDUCE_CHUNK"));
        assertEquals(CudaLaunch.THREADS, define("reductions.cuh", "REDUCE_THREADS"));
        assertEquals(CudaLaunch.GEMM_TILE, define("gemm.cuh", "GEMM_TILE"));
        assertEquals(CudaLaunch.THREADS, define("gemm.cuh", "GEMM_THREADS"));
        assertEquals(CudaLaunch.PAIR_TILE, define("pair_products.cuh", "PAIR_TILE"));
        assertEquals(CudaLaunch.PAIR_COLS, define("pair_products.cuh", "PAIR_COLS"));
        assertEquals(CudaLaunch.THREADS, define("pair_products.cuh", "PAIR_THREADS"));
    }

    private static int define(String file, String name) throws IOException {
        Matcher m = Pattern.compile("(?m)^#define " + name + " (\\d+)$").matcher(Files.readString(Path.of("native", file)));
        assertTrue(m.find(), name + " in native/" + file);
        return Integer.parseInt(m.group(1));
    }
}
