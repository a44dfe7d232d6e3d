// The NT limit against the muP limit and a finite muP network on Fashion-MNIST t-shirts (+1) against
// trousers (-1), with the notebook API (docs/notebooks.md). Needs Debian's package dataset-fashion-mnist.
// A smaller version of examples/fashion-mnist-two-class.yaml (64 training, 200 test images), so that it
// runs in seconds. Run from the repository root after `mvn package`:
//   jshell --class-path target/infinitewidth.jar examples/nt-vs-mu-fashion-mnist.jsh
import io.github.infinitewidth.api.*;

if (!Datasets.fashionMnistInstalled()) {
    throw new IllegalStateException("install Debian's package dataset-fashion-mnist first");
}

// The job file's settings, read from it, then made smaller.
Simulation base = Simulation.fromJobFile(java.nio.file.Path.of("examples/fashion-mnist-two-class.yaml")).
        data(Datasets.fashionMnist("t-shirt", "trouser").trainSize(64).testSize(200)).
        particles(2048).replicas(2);

Result nt = base.engine("nt-limit").run();
Result mu = base.engine("mu-limit").run();
Result finite = base.engine("finite").parametrization("mup").width(256).run();

for (Result r : new Result[] {nt, mu, finite}) {
    System.out.println(r);
}
// Test loss along training: feature learning (mu-limit) against none (nt-limit).
for (int k = 0; k < nt.steps().length; k++) {
    System.out.printf("step %2d  test loss  nt-limit %.4f  mu-limit %.4f  finite %.4f%n", nt.steps()[k],
            nt.loss("test").get(k).mean(), mu.loss("test").get(k).mean(), finite.loss("test").get(k).mean());
}

// Back to the command line when run as `jshell ... nt-vs-mu-fashion-mnist.jsh`; without this line jshell stays open
// with every variable above, to look further.
/exit
