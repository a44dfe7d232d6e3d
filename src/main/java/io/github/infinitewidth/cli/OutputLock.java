package io.github.infinitewidth.cli;

import io.github.infinitewidth.util.InvalidSpecException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.function.Consumer;

/**
 * One writer per output folder (JOB-SPEC.md, "Output folders"): the lock file
 * {@value #FILE} in the folder holds the writing process's id and an operating-system lock on it,
 * which the system releases when the process ends however it ends. A second process finds the
 * lock held and is refused; a lock file left by a process that was killed is taken over, and said
 * so. The lock file goes when the lock is closed, and so does the folder when locking created it
 * and nothing else was written into it.
 */
final class OutputLock implements AutoCloseable {
    /** Another process holds the lock. */
    static final class InUseException extends InvalidSpecException {
        private static final long serialVersionUID = 1L;

        InUseException(String option, String problem) {
            super(option, problem);
        }
    }

    /** The lock file's name. */
    static final String FILE = ".infinitewidth.lock";

    private final Path dir;
    private final Path file;
    private final FileChannel channel;
    private final FileLock lock;
    private final boolean created;

    private OutputLock(Path dir, Path file, FileChannel channel, FileLock lock, boolean created) {
        this.dir = dir;
        this.file = file;
        this.channel = channel;
        this.lock = lock;
        this.created = created;
    }

    /**
     * Refuses an output folder that cannot be one, before any work: a symbolic link to nothing,
     * something other than a folder, or a path below a file.
     *
     * @param option the option that named it ({@code --out})
     */
    static void requireUsable(String option, Path dir) {
        if (Files.isSymbolicLink(dir) && !Files.exists(dir)) {
            String target;
            try {
                target = Files.readSymbolicLink(dir).toString();
            } catch (IOException e) {
                target = "a path that cannot be read";
            }
            throw new InvalidSpecException(option, dir + " is a symbolic link to " + target
                    + ", which does not exist; create it or give another " + option);
        }
        if (Files.exists(dir) && !Files.isDirectory(dir)) {
            throw new InvalidSpecException(option, dir + " exists and is not a directory");
        }
        for (Path above = dir.toAbsolutePath().getParent(); above != null; above = above.getParent()) {
            if (Files.exists(above)) {
                if (!Files.isDirectory(above)) {
                    throw new InvalidSpecException(option, dir + " cannot be created: " + above + " is not a directory");
                }
                break;
            }
        }
    }

    /**
     * Creates {@code dir} when needed and locks it for this process.
     *
     * @param say told one line when a stale lock of a process that has ended is taken over
     * @throws InvalidSpecException when another process holds the lock (named by its id)
     * @throws IOException naming the folder or the lock file when either cannot be created or written
     */
    static OutputLock acquire(String option, Path dir, Consumer<String> say) throws IOException {
        boolean created = !Files.isDirectory(dir);
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new IOException("could not create the folder " + dir + " (" + e + ")", e);
        }
        Path file = dir.resolve(FILE);
        FileChannel channel = null;
        try {
            channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.READ,
                    StandardOpenOption.WRITE);
            FileLock lock;
            try {
                lock = channel.tryLock();
            } catch (OverlappingFileLockException e) {
                lock = null;   // held by this very process (another command of the same JVM)
            }
            String owner = contents(channel);
            if (lock == null) {
                throw new InUseException(option, dir + " is in use by process " + (owner.isEmpty() ? "(unknown)"
                        : owner) + " (lock file " + file + "); wait for it to finish or give another " + option);
            }
            if (!owner.isEmpty()) {
                say.accept("took over " + file + " from process " + owner + ", which has ended without removing it");
            }
            channel.truncate(0);
            channel.write(ByteBuffer.wrap((ProcessHandle.current().pid() + "\n").getBytes(StandardCharsets.UTF_8)), 0);
            channel.force(false);
            return new OutputLock(dir, file, channel, lock, created);
        } catch (IOException e) {
            close(channel);
            throw new IOException("could not lock " + file + " (" + e + ")", e);
        } catch (RuntimeException e) {
            close(channel);
            if (created) {
                Files.deleteIfExists(file);
                deleteIfEmpty(dir);
            }
            throw e;
        }
    }

    private static String contents(FileChannel channel) throws IOException {
        ByteBuffer buffer = ByteBuffer.allocate(64);
        channel.read(buffer, 0);
        return new String(buffer.array(), 0, buffer.position(), StandardCharsets.UTF_8).strip();
    }

    private static void close(FileChannel channel) {
        if (channel != null) {
            try {
                channel.close();
            } catch (IOException e) {
                // closing after a failure: the failure is what is reported
            }
        }
    }

    private static void deleteIfEmpty(Path dir) {
        try (var entries = Files.list(dir)) {
            if (entries.findAny().isEmpty()) {
                Files.delete(dir);
            }
        } catch (IOException e) {
            // a folder that cannot be listed or removed stays; it holds nothing of this run
        }
    }

    /** Removes the lock file and releases the lock; removes the folder when it was created here and is empty. */
    @Override
    public void close() throws IOException {
        try {
            Files.deleteIfExists(file);
            lock.release();
        } finally {
            channel.close();
        }
        if (created) {
            deleteIfEmpty(dir);
        }
    }
}
