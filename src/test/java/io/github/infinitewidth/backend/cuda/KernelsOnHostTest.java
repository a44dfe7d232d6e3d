package io.github.infinitewidth.backend.cuda;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIf;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every kernel of native/ computes what the Backend contract says, checked without a GPU: the
 * kernel sources are compiled as host C++ ({@code cuda_on_host.h} runs each block as 256 threads
 * meeting at barriers, with shared memory shared) and {@code kernels_on_host.cpp} runs them with
 * CudaLaunch's geometry on shapes that cut tiles, column blocks and reduction chunks on every
 * side, comparing with plain loops in double: activations and derivatives, arithmetic, the five
 * update functions over three steps, the float64 reductions (column means by a tree per chunk,
 * Gram matrices by GEMM tiles per chunk, over several chunks and several tiles, and without rows), the row and
 * column walk of the elementwise kernels (grids wider and narrower than a column), the Gaussian
 * fill against per-entry draws, the non-finite search (one atomic per block), the GEMM for every
 * transposition, and the pair products (sgd, sign, smoothsign, Adam's variant, with and without
 * the diagonal, b in one range per block, in ranges of two tiles and in single tiles, output
 * columns in one and two passes; the memoryful pair update for momentum and Adam). The float32
 * kernels of the pair products and the GEMM compute in float32 with float64 sums over particles;
 * besides the plain-loop checks they are compared with the float64 kernels on the same inputs
 * entry by entry, within float32's rounding-error bounds propagated through Q (the program's
 * comments derive them), also with 1100 particles b.
 * This checks indexing, tiling and synchronization; what it cannot check is the GPU itself
 * (docs/design-notes.md, "Unverified"). Runs where g++ is installed.
 */
@Tag("sources")
@EnabledIf("io.github.infinitewidth.backend.cuda.HostCompiler#available")
class KernelsOnHostTest {
    @TempDir
    Path dir;

    @Test
    void everyKernelMatchesPlainLoopsOnTheHost() throws IOException, InterruptedException {
        List<String> lines = HostCompiler.run(HostCompiler.compile(dir, "kernels_on_host").toString());
        assertEquals(264, lines.size(), String.join("\n", lines));
        assertTrue(lines.stream().allMatch(line -> line.startsWith("ok ")), String.join("\n", lines));
    }
}
