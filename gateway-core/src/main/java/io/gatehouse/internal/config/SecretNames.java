package io.gatehouse.internal.config;

import java.util.Locale;

/**
 * Which configured names carry secrets, so that everything that shows a configuration (the admin {@code /config},
 * {@code gatehouse check}, log lines and metric labels naming a route) hides their values the same way: a header or
 * key whose name contains {@code auth}, {@code key}, {@code token}, {@code secret}, {@code password} or
 * {@code cookie}, in any case ({@code X-Gateway-Auth}, {@code Authorization}, {@code X-Api-Key}, {@code apiToken}).
 */
public final class SecretNames {

    /** What is shown in place of a secret value. */
    public static final String REDACTED = "[redacted]";

    private static final String[] WORDS = {"auth", "key", "token", "secret", "password", "cookie"};

    private SecretNames() {
    }

    /**
     * Whether values under {@code name} are secrets.
     *
     * @param name a header or key name
     * @return true when it contains one of the secret words, in any case
     */
    public static boolean isSecret(String name) {
        String lower = name.toLowerCase(Locale.ROOT);
        for (String word : WORDS) {
            if (lower.contains(word)) {
                return true;
            }
        }
        return false;
    }

    /**
     * {@code value} as it may be shown when it belongs to {@code name}.
     *
     * @param name  the header or key it belongs to
     * @param value the value
     * @return {@code value}, or {@link #REDACTED} for a secret
     */
    public static String shown(String name, String value) {
        return isSecret(name) ? REDACTED : value;
    }
}
