/**
 * Named arrays that a simulation's state is saved to and restored from (checkpoints). Engines
 * and the ket classes write their state through {@link io.github.infinitewidth.state.StateWriter}
 * and read it back through {@link io.github.infinitewidth.state.StateReader}; the file format
 * lives in the job package (docs/design-notes.md, "Checkpoints"), so nothing here knows about
 * files, and the engines import neither the job nor the command-line package.
 */
package io.github.infinitewidth.state;
