package io.gatehouse.config;

import static io.gatehouse.config.YamlFiles.assertOnlyProblem;
import static io.gatehouse.config.YamlFiles.problems;
import static io.gatehouse.config.YamlFiles.write;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Every class of configuration error, with where it is reported and what it says. */
class ConfigProblemsTest {

    @TempDir
    Path dir;

    @Test
    void misspelledKeyGetsADidYouMean() {
        List<ConfigProblem> problems = problems(dir, """
                vhosts:
                  - hosts: [example.com]
                    proxy:
                      bakends: ["http://127.0.0.1:8080"]
                """);

        assertEquals(List.of(
                        problem(4, 7, "vhosts[0].proxy.bakends", "unknown key 'bakends'; did you mean 'backends'?"),
                        problem(4, 7, "vhosts[0].proxy.backends", "missing; list at least one, like backends: [\"http://127.0.0.1:8080\"]")),
                problems);
    }

    @Test
    void didYouMeanIgnoresCaseAndUnderscores() {
        assertOnlyProblem(dir, """
                vhosts:
                  - hosts: [example.com]
                    proxy: { backends: ["http://127.0.0.1:8080"], preserve_host: false }
                """, 3, 51, "vhosts[0].proxy.preserve_host", "unknown key 'preserve_host'; did you mean 'preserveHost'?");
    }

    @Test
    void unknownKeyWithNothingCloseListsTheValidKeys() {
        assertOnlyProblem(dir, """
                colour: red
                vhosts: [{hosts: ['*'], echo: {}}]
                """, 1, 1, "colour",
                "unknown key 'colour'; valid keys here: listen, forwarded, timeouts, limits, accessLog, log, shutdown, admin, vhosts, pidFile, watch, tls");
    }

    @Test
    void echoTakesNoKeys() {
        assertOnlyProblem(dir, """
                vhosts:
                  - hosts: ['*']
                    echo: { verbose: true }
                """, 3, 13, "vhosts[0].echo.verbose", "unknown key 'verbose'; this mapping takes no keys ({})");
    }

    @Test
    void duplicateKeyIsAnError() {
        assertOnlyProblem(dir, """
                vhosts:
                  - hosts: [a.example]
                    hosts: [b.example]
                    echo: {}
                """, 3, 5, "vhosts[0].hosts", "duplicate key 'hosts' (first given at line 2); give each key once");
    }

    @Test
    void yamlSyntaxErrorHasItsLineAndColumn() {
        assertOnlyProblem(dir, """
                vhosts:
                  - hosts: [example.com
                    echo: {}
                """, 3, 9, "",
                "YAML syntax error: expected ',' or ']', but got : (while parsing a flow sequence started at line 2, column 12)");
    }

    @Test
    void badIndentationIsASyntaxError() {
        assertOnlyProblem(dir, """
                vhosts:
                  - hosts: ['*']
                     echo: {}
                """, 3, 6, "", "YAML syntax error: expected <block end>, but found '<block mapping start>' "
                + "(while parsing a block mapping started at line 2, column 5)");
    }

    @Test
    void emptyFileIsAProblem() {
        assertOnlyProblem(dir, "# nothing yet\n", 1, 1, "", "the file is empty; a configuration needs at least a 'vhosts' list");
    }

    @Test
    void fileThatIsNotAMappingIsAProblem() {
        assertOnlyProblem(dir, "- example.com\n", 1, 1, "",
                "the configuration must be a mapping of settings (keys: listen, forwarded, timeouts, limits, accessLog, "
                        + "log, shutdown, admin, vhosts, pidFile, watch, tls), got a list");
    }

    @Test
    void secondYamlDocumentIsAProblem() {
        assertOnlyProblem(dir, """
                vhosts: [{hosts: ['*'], echo: {}}]
                ---
                vhosts: []
                """, 3, 1, "", "a second YAML document (after ---) is not allowed; put the whole configuration in one");
    }

    @Test
    void missingVhostsIsAProblem() {
        assertOnlyProblem(dir, "listen: [':8080']\n", 1, 1, "vhosts",
                "missing; list at least one vhost, like: vhosts: [{hosts: [\"*\"], echo: {}}]");
    }

    @Test
    void emptyVhostsIsAProblem() {
        assertOnlyProblem(dir, "vhosts: []\n", 1, 9, "vhosts", "expected at least one of vhosts");
    }

    @Test
    void aVhostWithoutActionNamesTheValidOnes() {
        assertOnlyProblem(dir, """
                vhosts:
                  - hosts: [example.com]
                """, 2, 5, "vhosts[0]", "a vhost needs routes or exactly one action: proxy, files or echo");
    }

    @Test
    void aVhostWithTwoActionsIsAProblemAtTheSecond() {
        assertOnlyProblem(dir, """
                vhosts:
                  - hosts: [example.com]
                    echo: {}
                    files: { root: /srv/www }
                """, 4, 5, "vhosts[0].files", "a vhost takes exactly one action of proxy, files, echo; this one already has 'echo'");
    }

    @Test
    void wrongTypesSayWhatIsExpected() {
        List<ConfigProblem> problems = problems(dir, """
                listen: ":8080"
                vhosts:
                  - hosts: [example.com, {name: x}]
                    files:
                      root: /srv/www
                      listing: sometimes
                      index: index.html
                      deny: [~]
                    name: [a, b]
                """);

        assertEquals(List.of(
                problem(1, 9, "listen", "expected a list of listen addresses like \"0.0.0.0:80\", got ':8080'"),
                problem(3, 26, "vhosts[0].hosts[1]", "expected a string, got a mapping"),
                problem(6, 16, "vhosts[0].files.listing", "expected true or false, got 'sometimes'"),
                problem(7, 14, "vhosts[0].files.index", "expected a list of file names like index.html, got 'index.html'"),
                problem(8, 14, "vhosts[0].files.deny[0]",
                        "expected a string, got nothing (a bare ~ or empty value is null in YAML; quote it)"),
                problem(9, 11, "vhosts[0].name", "expected a string, got a list")), problems);
    }

    @Test
    void bareNumberDurationAsksForAUnit() {
        assertOnlyProblem(dir, """
                timeouts: { connect: 5 }
                vhosts: [{hosts: ['*'], echo: {}}]
                """, 1, 22, "timeouts.connect", "add a unit: 5s (units: ms, s, m, h)");
    }

    @Test
    void zeroTimeoutIsRefused() {
        assertOnlyProblem(dir, """
                vhosts:
                  - hosts: ['*']
                    proxy: { backends: ["http://127.0.0.1:8080"], timeouts: { response: 0s } }
                """, 3, 73, "vhosts[0].proxy.timeouts.response", "must be more than 0, got '0s'");
    }

    @Test
    void misspelledProxyTimeoutGetsTheValidKeys() {
        assertOnlyProblem(dir, """
                vhosts:
                  - hosts: ['*']
                    proxy:
                      backends: ["http://127.0.0.1:8080"]
                      timeouts: { idel: 5s }
                """, 5, 19, "vhosts[0].proxy.timeouts.idel", "unknown key 'idel'; valid keys here: connect, response, read, idle");
    }

    @Test
    void maxHeaderBytesMustFitAnIntAndBeAtLeastOneKiB() {
        List<ConfigProblem> small = problems(dir, """
                limits: { maxHeaderBytes: 512B }
                vhosts: [{hosts: ['*'], echo: {}}]
                """);
        List<ConfigProblem> large = problems(dir, """
                limits: { maxHeaderBytes: 2GiB }
                vhosts: [{hosts: ['*'], echo: {}}]
                """);

        assertEquals(List.of(problem(1, 27, "limits.maxHeaderBytes", "must be 1KiB to 2GiB, got '512B'")), small);
        assertEquals(List.of(problem(1, 27, "limits.maxHeaderBytes", "must be 1KiB to 2GiB, got '2GiB'")), large);
    }

    @Test
    void negativeAndOverflowingSizesAreProblems() {
        List<ConfigProblem> problems = problems(dir, """
                limits: { maxBody: -1 }
                vhosts:
                  - hosts: ['*']
                    proxy: { backends: ["http://127.0.0.1:8080"], connections: 0, queue: 99999999999 }
                """);

        assertEquals(List.of(
                problem(1, 20, "limits.maxBody", "'-1' is negative; it must be 0 or more"),
                problem(4, 64, "vhosts[0].proxy.connections", "must be at least 1, got '0'"),
                problem(4, 74, "vhosts[0].proxy.queue", "must be 0 or more, got '99999999999'")), problems);
    }

    @Test
    void invalidHostPatternsAreRefused() {
        List<ConfigProblem> problems = problems(dir, """
                vhosts:
                  - hosts: ["a*.example", "*.", "example.com:80", "exa mple.com", ".example.org"]
                    echo: {}
                """);

        String patterns = "expected an exact name (example.com), a wildcard (*.example.com) or * for any host";
        assertEquals(List.of(
                problem(2, 13, "vhosts[0].hosts[0]", "invalid host pattern 'a*.example': " + patterns
                        + "; '*' is only allowed as the whole first label"),
                problem(2, 27, "vhosts[0].hosts[1]", "invalid host pattern '*.': " + patterns
                        + "; names use letters, digits, '-', '_' and dots"),
                problem(2, 33, "vhosts[0].hosts[2]", "invalid host pattern 'example.com:80': no port here; "
                        + "a vhost is bound to ports through 'listen'"),
                problem(2, 51, "vhosts[0].hosts[3]", "invalid host pattern 'exa mple.com': " + patterns
                        + "; names use letters, digits, '-', '_' and dots"),
                problem(2, 67, "vhosts[0].hosts[4]", "invalid host pattern '.example.org': " + patterns
                        + " (nginx's .example.org is two entries here: example.org and *.example.org)")), problems);
    }

    @Test
    void sameHostTwiceInOneVhostIsAProblem() {
        assertOnlyProblem(dir, """
                vhosts:
                  - hosts: [example.com, EXAMPLE.com.]
                    echo: {}
                """, 2, 26, "vhosts[0].hosts[1]", "'example.com' is already listed in this vhost");
    }

    @Test
    void invalidBackendsSayWhatIsSupported() {
        List<ConfigProblem> problems = problems(dir, """
                vhosts:
                  - hosts: ['*']
                    proxy:
                      backends:
                        - 127.0.0.1:8080
                        - http://user:pw@127.0.0.1:8080
                        - http://127.0.0.1:8080/app
                        - http://127.0.0.1:8080/?x=1
                        - ftp://127.0.0.1
                """);

        String expected = "expected http://host:port or https://host:port, like http://127.0.0.1:8080";
        assertEquals(List.of(
                problem(5, 11, "vhosts[0].proxy.backends[0]", expected + " (the scheme http:// or https:// is required)"),
                problem(6, 11, "vhosts[0].proxy.backends[1]", "user info (user@) is not allowed in a backend; " + expected),
                problem(7, 11, "vhosts[0].proxy.backends[2]", "a backend path ('/app') is not supported yet: requests go to "
                        + "the backend with their own path unchanged; " + expected),
                problem(8, 11, "vhosts[0].proxy.backends[3]", "a backend has no query (?) or fragment (#); " + expected),
                problem(9, 11, "vhosts[0].proxy.backends[4]", "unsupported scheme 'ftp'; " + expected)), problems);
    }

    @Test
    void unknownEvhostTokenNamesTheValidOnes() {
        assertOnlyProblem(dir, """
                vhosts:
                  - hosts: ['*']
                    files: { root: "/home/%x/www" }
                """, 3, 20, "vhosts[0].files.root",
                "invalid evhost token at position 6 in \"/home/%x/www\": use %0-%9, %_, %%, %{M} or %{M.N}");
    }

    @Test
    void badRegexQuotesTheRegexError() {
        assertOnlyProblem(dir, """
                vhosts:
                  - hosts: ['*']
                    files: { root: /srv/www, noRanges: ['\\.pdf$', '[a-'] }
                """, 3, 51, "vhosts[0].files.noRanges[1]", "invalid regex '[a-': Illegal character range near index 3");
    }

    @Test
    void filesWithoutRootIsAProblem() {
        assertOnlyProblem(dir, """
                vhosts:
                  - hosts: ['*']
                    files: { listing: true }
                """, 3, 12, "vhosts[0].files.root", "missing; give the document root, like root: /var/www/%0");
    }

    @Test
    void badListenAndTrustedValuesAreProblems() {
        List<ConfigProblem> problems = problems(dir, """
                listen: ["::1:80", "8080", ":http"]
                forwarded: { trusted: [gateway.local, 10.0.0.0/33] }
                vhosts: [{hosts: ['*'], echo: {}}]
                """);

        assertEquals(List.of(
                problem(1, 10, "listen[0]", "expected \"host:port\", \":port\" or \"[v6]:port\", got \"::1:80\""),
                problem(1, 20, "listen[1]", "expected \"host:port\" or \":port\", got \"8080\""),
                problem(1, 28, "listen[2]", "port must be a number 0-65535, got \"http\""),
                problem(2, 24, "forwarded.trusted[0]",
                        "expected an IP address or network like 10.0.0.0/8 or ::1/128, got \"gateway.local\""),
                problem(2, 39, "forwarded.trusted[1]", "prefix length must be 0-32 in \"10.0.0.0/33\"")), problems);
    }

    @Test
    void twoVhostsClaimingOneHostOnOneListenerAreRefused() {
        assertOnlyProblem(dir, """
                listen: [":8080"]
                vhosts:
                  - name: main
                    hosts: [example.com, "*.example.com"]
                    echo: {}
                  - hosts: [www.example.com, "*.example.com"]
                    listen: ["127.0.0.1:9000", "0.0.0.0:8080"]
                    echo: {}
                """, 6, 30, "vhosts[1].hosts[1]", "'*.example.com' on 0.0.0.0:8080 is already claimed by vhost 'main' "
                + "(vhosts[0]); a host pattern may belong to one vhost per listener");
    }

    @Test
    void allProblemsOfAFileAreReportedAtOnceInFileOrder() {
        List<ConfigProblem> problems = problems(dir, """
                listen: [":8080"]
                timeouts: { connect: 5 }
                vhosts:
                  - hosts: [example.com, www.example.com]
                    proxy:
                      bakends: ["http://127.0.0.1:8081"]
                  - hosts: ["*"]
                    files:
                      root: /srv/www/%0
                      noRanges: ['\\.pdf(']
                  - hosts: [example.com]
                    echo: {}
                """);

        assertEquals(List.of(
                problem(2, 22, "timeouts.connect", "add a unit: 5s (units: ms, s, m, h)"),
                problem(6, 7, "vhosts[0].proxy.bakends", "unknown key 'bakends'; did you mean 'backends'?"),
                problem(6, 7, "vhosts[0].proxy.backends", "missing; list at least one, like backends: [\"http://127.0.0.1:8080\"]"),
                problem(10, 18, "vhosts[1].files.noRanges[0]", "invalid regex '\\.pdf(': Unclosed group near index 6"),
                problem(11, 13, "vhosts[2].hosts[0]", "'example.com' on 0.0.0.0:8080 is already claimed by vhost 'example.com' "
                        + "(vhosts[0]); a host pattern may belong to one vhost per listener")), problems);
    }

    @Test
    void exceptionMessageListsOneProblemPerLineInCompilerFormat() {
        Path file = write(dir, """
                vhosts:
                  - hosts: [example.com]
                    proxy: { bakends: [] }
                """);

        ConfigException e = assertThrows(ConfigException.class, () -> GatewayConfig.load(file));

        assertEquals(file + ":3:12: vhosts[0].proxy.backends: missing; list at least one, like backends: [\"http://127.0.0.1:8080\"]\n"
                + file + ":3:14: vhosts[0].proxy.bakends: unknown key 'bakends'; did you mean 'backends'?", e.getMessage());
    }

    @Test
    void missingFileIsAProblemNotAnIoException() {
        Path file = dir.resolve("absent.yaml");

        ConfigException e = assertThrows(ConfigException.class, () -> GatewayConfig.load(file));

        assertEquals(List.of(new ConfigProblem(Optional.of(file.toString()), 0, 0, "", "no such file")), e.problems());
    }

    private ConfigProblem problem(int line, int column, String keyPath, String message) {
        return new ConfigProblem(Optional.of(dir.resolve("gatehouse.yaml").toString()), line, column, keyPath, message);
    }
}
