package io.gatehouse.internal.xnio;

import io.gatehouse.testing.LogCapture;
import io.undertow.server.protocol.framed.AbstractFramedChannel;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.Deque;
import java.util.List;
import java.util.logging.Level;
import java.util.logging.Logger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A private member that cannot be reached (another Undertow) is said once, at DEBUG, naming it and what its absence
 * means; one that can be reached is used without a word.
 */
class PrivateAccessTest {

    private final Logger logger = Logger.getLogger(PrivateAccessTest.class.getName());
    private Level levelBefore;
    private LogCapture log;

    @BeforeEach
    void debugOn() {
        levelBefore = logger.getLevel();
        logger.setLevel(Level.FINE);
        log = LogCapture.on(logger);
    }

    @AfterEach
    void debugOff() {
        log.close();
        logger.setLevel(levelBefore);
    }

    @Test
    void aMemberThisUndertowLacksIsSaidOnceAtDebugWithWhatThatMeans() {
        VarHandle missing = find("heldFramez");

        assertNull(missing);
        assertEquals(1, log.records().size(), log.messages().toString());
        assertEquals(Level.FINE, log.records().get(0).getLevel(), "DEBUG");
        assertNull(log.records().get(0).getThrown(), "no stack trace");
        String line = log.messages().get(0);
        assertTrue(line.startsWith("Undertow's AbstractFramedChannel.heldFramez is unavailable (NoSuchFieldException"), line);
        assertTrue(line.endsWith("): reset HTTP/2 streams waiting for a window are left to Undertow"), line);
    }

    @Test
    void aMemberThisUndertowHasIsUsedWithoutAWord() {
        VarHandle held = find("heldFrames");

        assertNotNull(held);
        assertEquals(List.of(), log.messages());
    }

    /** Undertow's private queue field {@code field} of its framed channels, as {@code HeldFrames} reaches it. */
    private static VarHandle find(String field) {
        return PrivateAccess.find(PrivateAccessTest.class, "Undertow's AbstractFramedChannel." + field,
                "reset HTTP/2 streams waiting for a window are left to Undertow",
                () -> MethodHandles.privateLookupIn(AbstractFramedChannel.class, MethodHandles.lookup())
                        .findVarHandle(AbstractFramedChannel.class, field, Deque.class));
    }
}
