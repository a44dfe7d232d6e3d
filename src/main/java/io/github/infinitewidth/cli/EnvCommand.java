package io.github.infinitewidth.cli;

import io.github.infinitewidth.backend.Backend;
import io.github.infinitewidth.backend.Backends;
import io.github.infinitewidth.backend.Precision;
import io.github.infinitewidth.job.Version;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * {@code infinitewidth env} (JOB-SPEC.md): what a run on this machine would use: version, Java,
 * processors and heap, the CPU backend, and whether CUDA can be used (the GPU, whether the
 * kernels loaded, and which GEMM runs: cuBLAS or the own kernel, with why) or why not.
 */
@Command(name = "env", mixinStandardHelpOptions = true,
        description = "Prints the version, Java, CPU threads, memory and CUDA status.")
final class EnvCommand implements Callable<Integer> {
    @Spec
    private CommandSpec spec;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        Runtime runtime = Runtime.getRuntime();
        out.println("infinitewidth " + Version.current());
        out.println("java: " + System.getProperty("java.version") + " (" + System.getProperty("java.vendor") + ", "
                + System.getProperty("java.vm.name") + ")");
        out.println("processors: " + runtime.availableProcessors());
        out.println("max heap: " + (runtime.maxMemory() >> 20) + " MiB");
        try (Backend cpu = Backends.cpu(Precision.FLOAT64)) {
            out.println(cpu.description());
        }
        out.println("cuda: " + Backends.cudaStatus());
        if (Backends.cudaGemm() != null) {
            out.println("cuda gemm: " + Backends.cudaGemm());
        }
        return Main.OK;
    }
}
