// A quick tour of the notebook API (docs/notebooks.md). Run from the repository root after `mvn package`:
//   jshell --class-path target/infinitewidth.jar examples/quick-tour.jsh
import io.github.infinitewidth.api.*;
import java.nio.file.*;

// Four points of a 1-d regression and one held-out input.
double[][] x = {{-1.0}, {-0.5}, {0.5}, {1.0}};
double[] y = {-0.8, -0.4, 0.5, 0.9};
var data = Datasets.inline(x, y).test(new double[][] {{0.25}}, new double[] {0.3});

// The muP limit of a 2-hidden-layer tanh network trained by Adam: a job written in code.
Simulation limit = Simulation.muLimit().hiddenLayers(2).activation("tanh").
        optimizer(Optimizers.adam(0.05)).data(data).steps(20).particles(1024).replicas(4);
System.out.println(limit.toYaml());

// Running it gives a printable result: final losses with standard errors over the replicas.
Result mu = limit.run();
System.out.println(mu);

// The loss curve, step by step.
for (Result.LossPoint p : mu.loss("train")) {
    System.out.printf("step %2d  train loss %.4f ± %.4f%n", p.step(), p.mean(), p.stderr());
}

// Simulations are immutable: the same job for finite muP networks of width 512 is one call away.
Result finite = limit.engine("finite").parametrization("mup").width(512).run();
System.out.println(finite);

// save() writes what `bin/infinitewidth run` writes: the CSV files, the PNG plots and summary.json.
Path out = Files.createTempDirectory("quick-tour");
System.out.println("saved " + mu.save(out) + " in " + out);

// Back to the command line when run as `jshell ... quick-tour.jsh`; without this line jshell stays open
// with every variable above, to look further.
/exit
