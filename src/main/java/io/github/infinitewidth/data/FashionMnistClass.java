package io.github.infinitewidth.data;

import java.util.Arrays;
import java.util.stream.Collectors;

/**
 * The ten Fashion-MNIST classes, in label order: label 0 is {@code t-shirt} (T-shirt/top), 9 is
 * {@code ankle-boot}. The spellings are those of job files (JOB-SPEC.md, {@code data.fashionMnist.classes}).
 */
public enum FashionMnistClass {
    T_SHIRT("t-shirt"), TROUSER("trouser"), PULLOVER("pullover"), DRESS("dress"), COAT("coat"),
    SANDAL("sandal"), SHIRT("shirt"), SNEAKER("sneaker"), BAG("bag"), ANKLE_BOOT("ankle-boot");

    private final String spelling;

    FashionMnistClass(String spelling) {
        this.spelling = spelling;
    }

    /** The job-file spelling. */
    public String spelling() {
        return spelling;
    }

    /** The label in the IDX label files. */
    public int label() {
        return ordinal();
    }

    /** The class of a spelling, or of a label written as a number ({@code "3"}); null when neither. */
    public static FashionMnistClass parse(String text) {
        for (FashionMnistClass c : values()) {
            if (c.spelling.equals(text) || Integer.toString(c.label()).equals(text)) {
                return c;
            }
        }
        return null;
    }

    /** All spellings with their labels, for error messages: {@code t-shirt (0), trouser (1), ...}. */
    public static String allSpellings() {
        return Arrays.stream(values()).map(c -> c.spelling + " (" + c.label() + ")").collect(Collectors.joining(", "));
    }
}
