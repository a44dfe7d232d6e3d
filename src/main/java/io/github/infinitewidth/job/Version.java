package io.github.infinitewidth.job;

import java.io.IOException;
import java.io.InputStream;
import java.util.Properties;

/**
 * The library's version, as recorded in {@code summary.json} and printed by
 * {@code infinitewidth env}. Maven writes the project version into a resource at build
 * time, so the value is the same in tests, in {@code target/classes} and in the jar.
 */
public final class Version {
    private static final String RESOURCE = "/io/github/infinitewidth/version.properties";

    private Version() {}

    /** The project version, e.g. {@code 0.1.0-SNAPSHOT}; {@code unknown} for an unfiltered build (an IDE's). */
    public static String current() {
        try (InputStream in = Version.class.getResourceAsStream(RESOURCE)) {
            if (in == null) {
                return "unknown";
            }
            Properties properties = new Properties();
            properties.load(in);
            String version = properties.getProperty("version", "unknown");
            return version.startsWith("${") ? "unknown" : version;
        } catch (IOException e) {
            return "unknown";
        }
    }
}
