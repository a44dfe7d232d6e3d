package io.github.infinitewidth.job;

import java.util.Collection;
import java.util.Locale;
import java.util.Optional;

/**
 * The allowed name a misspelt one was most likely meant to be, for the "did you mean ...?" of an error
 * message: the nearest by edit distance (insertions, deletions, substitutions and swaps of neighbouring
 * letters, case ignored), when it is near enough to be a typo: at most a third of the typed name's length,
 * and at least 1. Of equally near names the first allowed one wins.
 */
final class NearestName {
    private NearestName() {}

    static Optional<String> of(String typed, Collection<String> allowed) {
        int limit = Math.max(1, typed.length() / 3);
        String best = null;
        int bestDistance = Integer.MAX_VALUE;
        for (String name : allowed) {
            int d = distance(typed.toLowerCase(Locale.ROOT), name.toLowerCase(Locale.ROOT));
            if (d < bestDistance) {
                best = name;
                bestDistance = d;
            }
        }
        return bestDistance <= limit ? Optional.of(best) : Optional.empty();
    }

    /** Edit distance in which a swap of two neighbouring characters counts 1 (optimal string alignment). */
    static int distance(String a, String b) {
        int[][] d = new int[a.length() + 1][b.length() + 1];
        for (int i = 0; i <= a.length(); i++) {
            d[i][0] = i;
        }
        for (int j = 0; j <= b.length(); j++) {
            d[0][j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            for (int j = 1; j <= b.length(); j++) {
                int substitution = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
                d[i][j] = Math.min(Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1), d[i - 1][j - 1] + substitution);
                if (i > 1 && j > 1 && a.charAt(i - 1) == b.charAt(j - 2) && a.charAt(i - 2) == b.charAt(j - 1)) {
                    d[i][j] = Math.min(d[i][j], d[i - 2][j - 2] + 1);
                }
            }
        }
        return d[a.length()][b.length()];
    }
}
