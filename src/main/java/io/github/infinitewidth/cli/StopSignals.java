package io.github.infinitewidth.cli;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import sun.misc.Signal;
import sun.misc.SignalHandler;

/**
 * SIGTERM (what Slurm and Kubernetes send before a kill) and SIGINT (Ctrl-C) while a run is in
 * progress (JOB-SPEC.md, "Checkpoints"): the first asks the run to finish its current step, save a
 * checkpoint and stop; a second one stops the process at once with the usual status 128 + the
 * signal's number, leaving the previous checkpoint. The handlers in place before are restored on
 * {@link #close()}. {@code sun.misc.Signal} (module jdk.unsupported) is the JDK's only way to handle
 * a signal and keep running; a shutdown hook could not let the run save and report its own status.
 */
final class StopSignals implements AutoCloseable {
    /** The signals handled, with their numbers on Linux and macOS. */
    private static final List<String> NAMES = List.of("TERM", "INT");

    private final List<Signal> signals = new ArrayList<>();
    private final List<SignalHandler> previous = new ArrayList<>();
    private volatile String received;

    /**
     * Installs the handlers: on the first signal {@code stop} runs and a line goes to {@code err}.
     * A signal this platform does not know is skipped.
     */
    StopSignals(Runnable stop, PrintWriter err) {
        for (String name : NAMES) {
            try {
                Signal signal = new Signal(name);
                previous.add(Signal.handle(signal, s -> {
                    if (received != null) {
                        Runtime.getRuntime().halt(128 + s.getNumber());
                    }
                    received = s.getName();
                    stop.run();
                    err.println("received SIG" + s.getName() + ": stopping after this step to save a checkpoint"
                            + " (SIG" + s.getName() + " again stops at once)");
                    err.flush();
                }));
                signals.add(signal);
            } catch (IllegalArgumentException | UnsupportedOperationException e) {
                // no such signal here, or the JVM keeps it (-Xrs): the run stops as it would without us
            }
        }
    }

    /** The name of the signal received ({@code TERM}, {@code INT}), or null. */
    String received() {
        return received;
    }

    /** The exit status of a run stopped by the signal received: 128 + its number (143 for TERM, 130 for INT). */
    int status() {
        return 128 + new Signal(received).getNumber();
    }

    @Override
    public void close() {
        for (int i = 0; i < signals.size(); i++) {
            Signal.handle(signals.get(i), previous.get(i));
        }
    }
}
