package io.github.infinitewidth.cli;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The launcher {@code bin/infinitewidth} in a source checkout builds the jar on first use. That build's
 * output goes to the user's terminal (or a log file) and must be plain text: no ANSI escape codes. The
 * launcher and the scripts beside it cite only documents the project has.
 */
class LauncherTest {
    @TempDir
    Path home;

    /**
     * A checkout of a project that Maven builds without plugins or downloads (packaging pom), with the
     * launcher in its bin/: the launcher finds no jar, builds, and then fails to start the jar it did not
     * get, which is beside the point here.
     */
    @Test
    void theFirstBuildPrintsNoEscapeCodes() throws Exception {
        assumeTrue(onPath("mvn") && onPath("bash"), "needs bash and Maven");
        Files.createDirectories(home.resolve("bin"));
        Files.createDirectories(home.resolve("src/main"));
        Files.copy(Path.of("bin/infinitewidth"), home.resolve("bin/infinitewidth"));
        Files.writeString(home.resolve("pom.xml"), """
                <project xmlns="http://maven.apache.org/POM/4.0.0">
                  <modelVersion>4.0.0</modelVersion>
                  <groupId>launcher.test</groupId>
                  <artifactId>empty</artifactId>
                  <version>1</version>
                  <packaging>pom</packaging>
                </project>
                """);
        Path output = home.resolve("output.txt");
        Process launcher = new ProcessBuilder("bash", home.resolve("bin/infinitewidth").toString(), "env")
                .redirectErrorStream(true).redirectOutput(output.toFile()).start();
        assertTrue(launcher.waitFor(5, TimeUnit.MINUTES), "the launcher finished");

        String printed = Files.readString(output, StandardCharsets.UTF_8);
        assertTrue(printed.startsWith("infinitewidth: building "), printed);
        assertFalse(printed.contains("\u001b"), "no escape codes: " + printed.replace("\u001b", "ESC"));
    }

    /** Comments such as {@code (README.md, "Running on GPUs")} or {@code docs/design-notes.md} name a document here. */
    @Test
    void theLauncherAndTheScriptsCiteOnlyDocumentsThatExist() throws IOException {
        Pattern cited = Pattern.compile("(?<![\\w/.-])((?:docs/)?[A-Z][A-Z-]*\\.md|docs/[\\w.-]+\\.md)");
        List<Path> files = new ArrayList<>(List.of(Path.of("bin/infinitewidth"), Path.of(".ci/run")));
        try (Stream<Path> scripts = Files.list(Path.of("scripts"))) {
            scripts.filter(p -> p.toString().endsWith(".sh")).sorted().forEach(files::add);
        }
        int citations = 0;
        for (Path file : files) {
            for (String line : Files.readAllLines(file)) {
                Matcher m = cited.matcher(line);
                while (m.find()) {
                    String name = m.group(1);
                    citations++;
                    assertTrue(Files.exists(Path.of(name)) || Files.exists(Path.of("docs", name)),
                            file + " cites " + name + ", which does not exist: " + line.strip());
                }
            }
        }
        assertTrue(citations >= 3, "found " + citations + " citations");
    }

    private static boolean onPath(String command) {
        return Stream.of(System.getenv().getOrDefault("PATH", "").split(File.pathSeparator))
                .anyMatch(folder -> Files.isExecutable(Path.of(folder, command)));
    }
}
