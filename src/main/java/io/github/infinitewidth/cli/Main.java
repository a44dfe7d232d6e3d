package io.github.infinitewidth.cli;

import io.github.infinitewidth.job.Version;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.HelpCommand;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * The command-line tool {@code bin/infinitewidth} (JOB-SPEC.md, "Command line"): {@code run}
 * a job file, {@code sweep} a grid of jobs, {@code merge} the shards of a sweep, report the
 * {@code env}ironment, or print the {@code help} of a command. Exit statuses are the spec's: {@link #OK},
 * {@link #BAD_INPUT}, {@link #BACKEND_UNAVAILABLE}, {@link #DIVERGED}; anything unforeseen is
 * {@link #FAILED}. Errors are one line on stderr.
 */
@Command(name = "infinitewidth", mixinStandardHelpOptions = true, versionProvider = Main.VersionProvider.class,
        subcommands = {RunCommand.class, SweepCommand.class, CompareCommand.class, MergeCommand.class,
            EnvCommand.class, HelpCommand.class},
        description = "Simulates infinite-width limits of neural-network training.")
public final class Main implements Callable<Integer> {
    /** Success. */
    public static final int OK = 0;
    /** Outputs could not be written, or an internal error. */
    public static final int FAILED = 1;
    /** Bad input: a job field, a command-line option or the job file itself. */
    public static final int BAD_INPUT = 2;
    /** The requested backend cannot be used on this machine. */
    public static final int BACKEND_UNAVAILABLE = 3;
    /** The run diverged; what was recorded has been written. */
    public static final int DIVERGED = 4;

    /** The longest error line printed; longer ones are cut. */
    static final int LONGEST_LINE = 2000;

    @Spec
    private CommandSpec spec;

    /** How the commands show progress; see {@link ProgressSettings}. */
    private final ProgressSettings progress;

    private Main(ProgressSettings progress) {
        this.progress = progress;
    }

    /** Runs the tool and exits with its status. */
    public static void main(String[] args) {
        System.exit(execute(args));
    }

    /** Runs the tool on {@code System.out} and {@code System.err}; returns the exit status. */
    public static int execute(String... args) {
        return execute(System.out, System.err, args);
    }

    /** Runs the tool with its output and errors going to the given streams; returns the exit status. */
    public static int execute(PrintStream out, PrintStream err, String... args) {
        return execute(out, err, ProgressSettings.detect(err), args);
    }

    /** As {@link #execute(PrintStream, PrintStream, String...)}, with progress shown as {@code progress} says. */
    static int execute(PrintStream out, PrintStream err, ProgressSettings progress, String... args) {
        PrintWriter outWriter = new PrintWriter(out, true);
        PrintWriter errWriter = new PrintWriter(err, true);
        CommandLine commandLine = new CommandLine(new Main(progress))
                .setOut(outWriter)
                .setErr(errWriter)
                .setParameterExceptionHandler(Main::usageError)
                .setExecutionExceptionHandler((e, cl, parsed) -> internalError(e, cl));
        int status;
        try {
            status = commandLine.execute(args);
        } catch (Error e) {
            // errors are not the exceptions picocli hands to the handler: the same one line and trace file
            status = internalError(e, errWriter);
        }
        outWriter.flush();
        errWriter.flush();
        return status;
    }

    ProgressSettings progress() {
        return progress;
    }

    /** No subcommand given. */
    @Override
    public Integer call() {
        throw new ParameterException(spec.commandLine(), "Missing command: run, sweep, compare, merge or env");
    }

    /** Usage mistakes (unknown option, missing JOB, a non-number for --steps) are bad input: one line, status 2. */
    private static int usageError(ParameterException e, String[] args) {
        CommandLine cl = e.getCommandLine();
        cl.getErr().println(oneLine(e.getMessage()) + " (see " + cl.getCommandSpec().qualifiedName() + " --help)");
        return BAD_INPUT;
    }

    private static int internalError(Exception e, CommandLine cl) {
        return internalError(e, cl.getErr());
    }

    /**
     * A bug, not bad input: one line on stderr, and the stack trace, which a bug report needs, in a
     * file of the temporary folder that the line names (JOB-SPEC.md, "Command line").
     */
    static int internalError(Throwable e, PrintWriter err) {
        err.println(oneLine("internal error: " + e + "; " + TraceFile.write(e)));
        return FAILED;
    }

    /** A message on one line, cut at {@link #LONGEST_LINE} characters (a value quoted from a hostile file). */
    static String oneLine(String message) {
        String line = message.strip().replaceAll("\\s*\\R\\s*", " ");
        return line.length() <= LONGEST_LINE ? line
                : line.substring(0, LONGEST_LINE) + "... (" + line.length() + " characters)";
    }

    /** {@code --version}: the project version. */
    static final class VersionProvider implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            return new String[] {"infinitewidth " + Version.current()};
        }
    }
}
