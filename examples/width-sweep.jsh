// A width sweep with the notebook API (docs/notebooks.md): finite muP networks of growing width approach
// their muP limit. Run from the repository root after `mvn package`:
//   jshell --class-path target/infinitewidth.jar examples/width-sweep.jsh
import io.github.infinitewidth.api.*;

double[][] x = {{1.0, 0.4}, {-0.6, 0.9}, {0.3, -1.2}, {-1.0, -0.5}};
double[] y = {0.8, -0.6, 0.5, -0.7};
Simulation base = Simulation.muLimit().hiddenLayers(2).activation("tanh").initStd(1.0, 1.5, 1.0).
        optimizer(Optimizers.sgd(0.5)).
        data(Datasets.inline(x, y).test(new double[][] {{0.6, 0.6}}, new double[] {0.4})).
        steps(6).batchSize(2).replicas(4).particles(2048);

Result limit = base.run();
System.out.printf("mu-limit      test loss %.4f ± %.4f%n", limit.finalLoss("test").mean(), limit.finalLoss("test").stderr());

// The same job for finite networks: only the engine and the width change.
for (int width : new int[] {64, 256, 1024}) {
    Result r = base.engine("finite").parametrization("mup").width(width).run();
    System.out.printf("width %5d   test loss %.4f ± %.4f%n", width, r.finalLoss("test").mean(), r.finalLoss("test").stderr());
}

// Back to the command line when run as `jshell ... width-sweep.jsh`; without this line jshell stays open
// with every variable above, to look further.
/exit
