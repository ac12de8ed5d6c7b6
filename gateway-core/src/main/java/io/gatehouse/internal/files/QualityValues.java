package io.gatehouse.internal.files;

import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The weights of an {@code Accept} or {@code Accept-Encoding} header (RFC 9110 section 12.4.2): each listed
 * value with its {@code q}, 1 when absent. An unparsable {@code q} counts as 0, so a garbled weight never
 * turns into a preference. Values are compared in lower case.
 */
final class QualityValues {

    private final Map<String, Double> weights;

    private QualityValues(Map<String, Double> weights) {
        this.weights = weights;
    }

    /** Parses every header line of {@code values} (null or empty: nothing listed). */
    static QualityValues parse(List<String> values) {
        Map<String, Double> weights = new HashMap<>();
        if (values != null) {
            for (String line : values) {
                for (String element : line.split(",")) {
                    String[] parts = element.split(";");
                    String name = parts[0].strip().toLowerCase(Locale.ROOT);
                    if (!name.isEmpty()) {
                        weights.merge(name, weight(parts), Math::max);
                    }
                }
            }
        }
        return new QualityValues(weights);
    }

    /**
     * The weight of the first of {@code names} that is listed, or 0 when none is (for Accept, pass the exact type,
     * then {@code type/*}, then {@code *}{@code /*}; for Accept-Encoding the coding, then {@code *}).
     */
    double of(String... names) {
        for (String name : names) {
            Double weight = weights.get(name);
            if (weight != null) {
                return weight;
            }
        }
        return 0;
    }

    private static double weight(String[] parameters) {
        for (int i = 1; i < parameters.length; i++) {
            String parameter = parameters[i].strip();
            if (parameter.length() > 1 && (parameter.charAt(0) == 'q' || parameter.charAt(0) == 'Q')
                    && parameter.charAt(1) == '=') {
                try {
                    double q = Double.parseDouble(parameter.substring(2).strip());
                    return q >= 0 && q <= 1 ? q : 0;
                } catch (NumberFormatException e) {
                    return 0;
                }
            }
        }
        return 1;
    }
}
