package io.gatehouse.internal.guard;

import io.gatehouse.testing.LogCapture;
import io.gatehouse.testing.RepeatedLines;
import io.gatehouse.testing.RawHttp;
import io.gatehouse.testing.UnusedPort;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.logging.Logger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The guard's log of refused requests, as a flood of them varying what they send sees it. */
class RefusalLogTest {

    private static final String KIND = "request refused with 413: declared Content-Length exceeds limits.maxBody 1024";
    @Test
    void headsRefusedForTheSameRuleAreOneKindWhateverLengthTheyDeclare() throws Exception {
        int refused = 300;
        LogCapture capture = LogCapture.on(Logger.getLogger(GuardHandler.class.getPackageName()));
        try {
            try (GuardedGateway gateway = GuardedGateway.proxyingTo(UnusedPort.next())) {
                for (int i = 0; i < refused; i++) {
                    RawHttp.Response response = gateway.send(
                            "POST / HTTP/1.1\r\nHost: a\r\nContent-Length: " + (2_000 + i) + "\r\n\r\n");
                    assertEquals(413, response.status());
                }
            }
            List<String> lines = capture.messages().stream().filter(line -> line.contains("413")).toList();
            assertTrue(lines.size() <= 4, lines.size() + " lines: a first line and a summary per interval, not one per request");
            assertTrue(lines.get(0).endsWith(": " + KIND), lines.get(0));
            assertEquals(refused, RepeatedLines.events(lines), lines.toString());
        } finally {
            capture.close();
        }
    }
}
