package io.github.infinitewidth.cli;

/**
 * {@code bin/infinitewidth} as a child process for {@link KilledProcessTest}: the first two
 * arguments name a replica and a step; after that update it prints {@value #READY} and waits to
 * be killed (SIGKILL from the parent), or, with the system property {@value #CONTINUE_WHEN} naming
 * a file, until that file exists, and then goes on (so that a signal handled meanwhile acts at a
 * known step). The remaining arguments go to the command line.
 */
public final class KillableRun {
    static final String READY = "ready to be killed";
    static final String CONTINUE_WHEN = "killable.continueWhen";

    private KillableRun() {}

    public static void main(String[] args) throws InterruptedException {
        int replica = Integer.parseInt(args[0]);
        int step = Integer.parseInt(args[1]);
        RunCommand.afterStep = (r, t, steps) -> {
            if (r == replica && t == step) {
                System.out.println(READY);
                System.out.flush();
                String go = System.getProperty(CONTINUE_WHEN);
                try {
                    while (go == null || !java.nio.file.Files.exists(java.nio.file.Path.of(go))) {
                        Thread.sleep(go == null ? Long.MAX_VALUE : 10);
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
        };
        Main.main(java.util.Arrays.copyOfRange(args, 2, args.length));
    }
}
