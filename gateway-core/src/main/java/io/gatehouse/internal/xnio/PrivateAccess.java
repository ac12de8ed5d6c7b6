package io.gatehouse.internal.xnio;

import java.lang.System.Logger;
import java.lang.System.Logger.Level;

/**
 * Reaches a member that Undertow, XNIO or the JDK keeps private, for a behaviour their public API does not offer.
 * Another version may not have it, or may not let it be reached: the caller then falls back to the library's own
 * behaviour, and says so once, at DEBUG, on its own logger, naming what is unavailable and what that means (a
 * fallback that changes how the gateway behaves must not be silent, and must not be a line per connection either).
 */
public final class PrivateAccess {

    /** How a private member is reached: a lookup that may fail. */
    @FunctionalInterface
    public interface Lookup<T> {
        T find() throws ReflectiveOperationException;
    }

    private PrivateAccess() {
    }

    /**
     * What {@code lookup} finds, or null when it fails (the member is missing, or not to be reached): then one line
     * at DEBUG on {@code owner}'s logger, {@code "<member> is unavailable (<why>): <fallback>"}. Meant for a static
     * initialiser, which makes that line once per JVM.
     *
     * @param owner    the class that falls back, whose logger gets the line
     * @param member   the member, as an operator would look it up ({@code "Undertow's AbstractFramedChannel.heldFrames"})
     * @param fallback what the gateway does without it
     * @param lookup   reaches the member
     * @return the member's handle, or null
     */
    public static <T> T find(Class<?> owner, String member, String fallback, Lookup<T> lookup) {
        try {
            return lookup.find();
        } catch (ReflectiveOperationException | RuntimeException e) {
            Logger log = System.getLogger(owner.getName());
            if (log.isLoggable(Level.DEBUG)) {
                log.log(Level.DEBUG, member + " is unavailable (" + e.getClass().getSimpleName()
                        + (e.getMessage() == null ? "" : ": " + e.getMessage()) + "): " + fallback);
            }
            return null;
        }
    }
}
