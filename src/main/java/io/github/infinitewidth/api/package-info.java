/**
 * The notebook API (docs/notebooks.md): an immutable, fluent facade over job files. A
 * {@link io.github.infinitewidth.api.Simulation} is a job being written in code; every method returns
 * a new one, so a base simulation can be varied in a loop. {@code run()} validates it exactly as the
 * command line validates a job file and runs it on the same engines, so a notebook and
 * {@code bin/infinitewidth run} give the same numbers; the {@link io.github.infinitewidth.api.Result}
 * is printable and saves the command line's output files.
 */
package io.github.infinitewidth.api;
