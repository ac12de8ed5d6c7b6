package io.gatehouse.daemon;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The command line, in-process: parsing, help, version and usage errors (nothing here needs a config). */
class MainTest {

    /** What one invocation printed and returned. */
    record Result(int status, String out, String err) {
    }

    static Result gatehouse(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int status = Main.run(args, new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
        return new Result(status, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    @Test
    void noArgumentsPrintsUsageAndSucceeds() {
        Result result = gatehouse();

        assertEquals(Main.OK, result.status());
        assertEquals(Main.USAGE_TEXT, result.out());
        assertEquals("", result.err());
    }

    @Test
    void helpOptionsPrintUsageOnStandardOutput() {
        for (String option : new String[] {"-h", "--help", "help"}) {
            Result result = gatehouse(option);

            assertEquals(Main.OK, result.status(), option);
            assertEquals(Main.USAGE_TEXT, result.out(), option);
        }
    }

    @Test
    void helpAfterACommandShowsHelpInsteadOfRunningIt() {
        Result result = gatehouse("run", "--help");

        assertEquals(Main.OK, result.status());
        assertEquals(Main.USAGE_TEXT, result.out());
    }

    @Test
    void usageDocumentsEveryExitStatus() {
        assertTrue(Main.USAGE_TEXT.contains("0 ok or clean stop, 1 bad configuration, 2 cannot bind a listener,"));
        assertTrue(Main.USAGE_TEXT.contains("64 usage error, 70 internal error."));
    }

    @Test
    void versionPrintsOneLineNamingTheProgram() {
        Result result = gatehouse("--version");

        assertEquals(Main.OK, result.status());
        assertEquals("gatehouse " + Main.version() + System.lineSeparator(), result.out());
    }

    @Test
    void unknownCommandIsAUsageErrorOnStandardError() {
        Result result = gatehouse("start", "demo.yaml");

        assertEquals(Main.USAGE, result.status());
        assertEquals("", result.out());
        assertEquals("gatehouse: unknown command \"start\"" + System.lineSeparator() + "Try 'gatehouse --help'." + System.lineSeparator(),
                result.err());
    }

    @Test
    void unknownOptionIsAUsageError() {
        Result result = gatehouse("check", "--strict", "demo.yaml");

        assertEquals(Main.USAGE, result.status());
        assertTrue(result.err().startsWith("gatehouse: unknown option --strict"), result.err());
    }

    @Test
    void commandWithoutConfigFileSaysWhatIsMissing() {
        Result result = gatehouse("run");

        assertEquals(Main.USAGE, result.status());
        assertTrue(result.err().startsWith("gatehouse: run needs the configuration file: gatehouse run <config.yaml>"), result.err());
    }

    @Test
    void secondConfigFileIsAUsageError() {
        Result result = gatehouse("check", "a.yaml", "b.yaml");

        assertEquals(Main.USAGE, result.status());
        assertTrue(result.err().startsWith("gatehouse: check takes one configuration file, got 2 arguments"), result.err());
    }

    @Test
    void versionWithACommandIsAUsageError() {
        Result result = gatehouse("--version", "run");

        assertEquals(Main.USAGE, result.status());
    }
}
