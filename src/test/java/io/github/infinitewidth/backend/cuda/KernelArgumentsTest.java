package io.github.infinitewidth.backend.cuda;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Every kernel launch in the Java sources passes the kernel's parameter list: as many values, of
 * the same sizes, in the same order as the C signature in native/. The driver cannot check this
 * (a wrong list reads garbage), and without a GPU nothing else would, so the sources are compared
 * directly: each {@code new KernelArgs()} chain with the kernel name it is launched with, against
 * the parameters of {@code FOR_BOTH_PRECISIONS(name, (...), ...)} (or its {@code _BOUNDED} form) or
 * {@code extern "C" __global__}.
 */
@Tag("sources")
class KernelArgumentsTest {
    private static final Path JAVA = Path.of("src/main/java/io/github/infinitewidth/backend/cuda");

    @Test
    void everyLaunchPassesTheKernelsParameterList() throws IOException {
        Map<String, List<String>> kernels = kernelSignatures();
        List<Launch> launches = new ArrayList<>();
        for (String file : new String[] {"CudaBackend.java", "KernelGemm.java"}) {
            launches.addAll(launches(Files.readString(JAVA.resolve(file))));
        }
        for (Launch launch : launches) {
            assertTrue(kernels.containsKey(launch.kernel), "no kernel " + launch.kernel + " in native/");
            assertEquals(kernels.get(launch.kernel), launch.arguments, "arguments of " + launch.kernel);
        }
        assertEquals(kernels.keySet(), launches.stream().map(l -> l.kernel).collect(java.util.stream.Collectors.toSet()),
                "every kernel is launched");
    }

    private record Launch(String kernel, List<String> arguments) { }

    /** Parameter kinds per kernel: ptr, i32 or i64 (integers and flags), f64. */
    private static Map<String, List<String>> kernelSignatures() throws IOException {
        Map<String, List<String>> kernels = new HashMap<>();
        // FOR_BOTH_PRECISIONS(name, (params), ...) or FOR_BOTH_PRECISIONS_BOUNDED(name, threads, blocks, (params), ...)
        Pattern both = Pattern.compile("FOR_BOTH_PRECISIONS(?:_BOUNDED)?\\(\\s*(\\w+),(?:\\s*\\w+,\\s*\\w+,)?\\s*\\(([^)]*)\\)");
        Pattern single = Pattern.compile("extern \"C\" __global__ void (\\w+)\\(([^)]*)\\)");
        try (Stream<Path> files = Files.list(Path.of("native"))) {
            for (Path f : files.filter(p -> p.toString().endsWith(".cuh")).toList()) {
                String text = Files.readString(f);
                for (Pattern p : new Pattern[] {both, single}) {
                    Matcher m = p.matcher(text);
                    while (m.find()) {
                        // not the macros' own definitions
                        if (!m.group(1).equals("NAME") && !m.group(1).equals("__launch_bounds__")) {
                            kernels.put(m.group(1), parameterKinds(m.group(2)));
                        }
                    }
                }
            }
        }
        return kernels;
    }

    private static List<String> parameterKinds(String parameters) {
        List<String> kinds = new ArrayList<>();
        for (String p : parameters.split(",")) {
            String type = p.strip().replaceAll("\\s+\\w+$", "");
            if (type.endsWith("*")) {
                kinds.add("ptr");
            } else if (type.equals("double")) {
                kinds.add("f64");
            } else if (type.equals("int") || type.equals("unsigned")) {
                kinds.add("i32");
            } else if (type.equals("long long") || type.equals("unsigned long long")) {
                kinds.add("i64");
            } else {
                throw new AssertionError("unknown parameter type " + type);
            }
        }
        return kinds;
    }

    /** Each {@code new KernelArgs()} chain with the nearest kernel name (a snake_case literal) before it. */
    private static List<Launch> launches(String source) {
        Map<String, String> kindOf = Map.of("ptr", "ptr", "i", "i32", "flag", "i32", "l", "i64", "d", "f64");
        List<Launch> launches = new ArrayList<>();
        Pattern name = Pattern.compile("\"([a-z0-9]+(?:_[a-z0-9]+)*)\"");
        int at = source.indexOf("new KernelArgs()");
        while (at >= 0) {
            int statement = Math.max(source.lastIndexOf(';', at), source.lastIndexOf('{', at));
            Matcher m = name.matcher(source.substring(statement, at));
            String kernel = null;
            while (m.find()) {
                kernel = m.group(1);
            }
            List<String> arguments = new ArrayList<>();
            int i = at + "new KernelArgs()".length();
            while (true) {
                while (Character.isWhitespace(source.charAt(i))) {
                    i++;
                }
                if (source.charAt(i) != '.') {
                    break;
                }
                int open = source.indexOf('(', i);
                arguments.add(kindOf.get(source.substring(i + 1, open)));
                i = closingParenthesis(source, open) + 1;
            }
            launches.add(new Launch(kernel, arguments));
            at = source.indexOf("new KernelArgs()", at + 1);
        }
        return launches;
    }

    private static int closingParenthesis(String s, int open) {
        int depth = 0;
        for (int i = open; i < s.length(); i++) {
            if (s.charAt(i) == '(') {
                depth++;
            } else if (s.charAt(i) == ')' && --depth == 0) {
                return i;
            }
        }
        throw new AssertionError("unbalanced parentheses after " + open);
    }
}
