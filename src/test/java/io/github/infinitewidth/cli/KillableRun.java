package io.github.infinitewidth.cli;

/**
 * {@code bin/infinitewidth} as a child process for {@link KilledProcessTest}: the first two
 * arguments name a replica and a step; after that update it prints {@value #READY} and waits to
 * be killed (SIGKILL from the parent). The remaining arguments go to the command line.
 */
public final class KillableRun {
    static final String READY = "ready to be killed";

    private KillableRun() {}

    public static void main(String[] args) throws InterruptedException {
        int replica = Integer.parseInt(args[0]);
        int step = Integer.parseInt(args[1]);
        RunCommand.afterStep = (r, t, steps) -> {
            if (r == replica && t == step) {
                System.out.println(READY);
                System.out.flush();
                try {
                    Thread.sleep(Long.MAX_VALUE);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
        };
        Main.main(java.util.Arrays.copyOfRange(args, 2, args.length));
    }
}
