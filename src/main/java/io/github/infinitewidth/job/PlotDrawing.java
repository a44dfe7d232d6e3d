package io.github.infinitewidth.job;

import java.io.IOException;
import java.util.Optional;

/**
 * Draws one plot file so that its failure is the plot's, never the results': the CSV files and
 * {@code summary.json} are written whatever happens here.
 */
final class PlotDrawing {

    /** What draws the file; throws what drawing throws. */
    @FunctionalInterface
    interface Drawing {
        void draw() throws IOException;
    }

    private PlotDrawing() {}

    /**
     * Draws {@code file}.
     *
     * @return why it was not drawn, or empty when it was
     */
    static Optional<String> draw(String file, Drawing drawing) {
        try {
            drawing.draw();
            return Optional.empty();
        } catch (IOException | RuntimeException | Error e) {
            // A Java runtime without fonts throws a plain Error, one without its imaging libraries a
            // LinkageError, and a huge trajectory may exhaust the heap: all leave the results alone.
            // Only a broken virtual machine (a stack overflow, an internal error) goes up.
            if (e instanceof VirtualMachineError && !(e instanceof OutOfMemoryError)) {
                throw (VirtualMachineError) e;
            }
            return Optional.of(file + " was not drawn (" + e + ")");
        }
    }
}
