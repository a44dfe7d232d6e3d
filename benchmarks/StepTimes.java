import io.github.infinitewidth.backend.Backend;
import io.github.infinitewidth.backend.Backends;
import io.github.infinitewidth.engine.Engine;
import io.github.infinitewidth.job.Engines;
import io.github.infinitewidth.job.Job;
import io.github.infinitewidth.job.JobFile;
import io.github.infinitewidth.job.Overrides;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Seconds per step of one replica of a job on the CPU backend, for the tables of
 * docs/performance.md ("muP limit at the size of TP IVb section 5.1"). Run it with the library jar
 * on the class path, as the launcher runs the tool:
 *
 * <pre>
 * java -Xmx<heap> --add-modules jdk.incubator.vector -XX:+UseTransparentHugePages \
 *     -cp target/infinitewidth.jar benchmarks/StepTimes.java JOB.yaml PARTICLES STEPS
 * </pre>
 *
 * Prints each step's seconds (the first steps include the JIT's warm-up and the first touch of the
 * heap), the mean over the second half of the steps, the memory plan and the process's peak
 * resident memory (VmHWM).
 */
public class StepTimes {
    public static void main(String[] args) throws IOException {
        Job job = JobFile.read(Path.of(args[0]),
                new Overrides(null, Integer.parseInt(args[1]), 1, Integer.parseInt(args[2]), null));
        Engine engine = Engines.named(job.engine());
        try (Backend backend = Backends.cpu(job.experiment().simulation().precision())) {
            System.out.println(backend.description());
            System.out.println("plan: " + engine.memoryPlan(job.experiment(), backend.precision()).describe());
            double[] seconds = new double[job.experiment().training().steps()];
            long[] last = {System.nanoTime()};
            engine.run(job.experiment(), backend, (replica, step, steps) -> {
                long now = System.nanoTime();
                seconds[step] = (now - last[0]) * 1e-9;
                last[0] = now;
                System.out.printf("step %d: %.2f s%n", step, seconds[step]);
            });
            int from = seconds.length / 2;
            double sum = 0;
            for (int t = from; t < seconds.length; t++) {
                sum += seconds[t];
            }
            System.out.printf("mean of steps %d..%d: %.2f s/step%n", from, seconds.length - 1,
                    sum / (seconds.length - from));
        }
        for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
            if (line.startsWith("VmHWM")) {
                System.out.println("peak RSS: " + line.replaceAll("\\s+", " ").substring(7));
            }
        }
    }
}
