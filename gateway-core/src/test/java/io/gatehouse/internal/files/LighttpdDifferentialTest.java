package io.gatehouse.internal.files;

import io.gatehouse.Gateway;
import io.gatehouse.config.GatewayConfig;
import io.gatehouse.testing.ExternalServer;
import io.gatehouse.testing.RawHttp;
import io.gatehouse.testing.UnusedPort;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

import static io.gatehouse.internal.files.FileServerFixture.write;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Runs real lighttpd with the seed's configuration (mod_evhost {@code /home/%0/public_html/}, url.access-deny
 * ("~", ".inc"), index-file.names, dir-listing, range requests disabled for PDFs, static-file.exclude-extensions
 * as Gatehouse's default {@code staticExclude}) and Gatehouse with the equivalent
 * YAML over one temporary tree, sends both the same raw requests, and compares status, Location and (for 2xx)
 * the body. Rows marked as deliberate differences are documented in {@code src-docs/files.md}; every other row
 * must agree. The table is printed and written to {@code target/lighttpd-diff.md}.
 *
 * <p>Skipped when lighttpd is not installed ({@code apt-get install lighttpd}); {@code bench/lighttpd-diff/run.sh}
 * runs only this test.
 */
@Timeout(120)
class LighttpdDifferentialTest {

    private static final Path LIGHTTPD = Path.of("/usr/sbin/lighttpd");

    /** One request; {@code difference} is null when both servers must agree, else why they do not. */
    private record Case(String method, String host, String target, String header, String difference) {
        static Case same(String host, String target) {
            return new Case("GET", host, target, null, null);
        }

        Case with(String headerLine) {
            return new Case(method, host, target, headerLine, difference);
        }

        Case method(String name) {
            return new Case(name, host, target, header, difference);
        }

        Case differs(String why) {
            return new Case(method, host, target, header, why);
        }
    }

    private static final List<Case> CASES = List.of(
            Case.same("example.com", "/"),
            Case.same("www.example.com", "/page.html"),
            Case.same("WWW.Example.COM:8080", "/page.html"),
            Case.same("other.org", "/"),
            Case.same("unknown.net", "/"),
            Case.same("example.com", "/style.css"),
            Case.same("example.com", "/page.html?x=1"),
            Case.same("example.com", "/sub/../page.html"),
            Case.same("example.com", "/deep/dir/"),
            Case.same("example.com", "/missing.html"),
            Case.same("example.com", "/x.inc"),
            Case.same("example.com", "/page.html~"),
            Case.same("example.com", "/x.in%63"),
            Case.same("example.com", "/x%2einc"),
            Case.same("example.com", "/sub"),
            Case.same("example.com", "/sub?a=1"),
            Case.same("example.com", "/sub/").differs("listing HTML layout (our own page, with sizes and dates)"),
            Case.same("example.com", "/empty/"),
            Case.same("example.com", "/page.html").with("Range: bytes=0-3"),
            Case.same("example.com", "/page.html").with("Range: bytes=-4"),
            Case.same("example.com", "/doc.pdf").with("Range: bytes=0-3"),
            Case.same("example.com", "/page.html").with("Range: bytes=999-"),
            Case.same("example.com", "/page.html").method("HEAD"),
            Case.same("example.com", "/X.INC").differs("deny is case-insensitive in Gatehouse"),
            Case.same("example.com", "/x.inc.").differs("trailing dots are ignored by Gatehouse's deny check"),
            Case.same("example.com", "/.htpasswd").differs("dotfiles: deny is Gatehouse's default"),
            Case.same("example.com", "/.well-known/security.txt"),
            Case.same("example.com", "/page.html").with("Range: bytes=5-2").differs("invalid range ignored (RFC 9110)"),
            Case.same("example.com", "/page.html").with("Range: bytes=0-1,4-5").differs("multiple ranges: whole file"),
            Case.same("example.com", "/page.html").method("POST").differs("files answer GET and HEAD only: 405"),
            Case.same("example.com", "/%2e%2e/%2e%2e/etc/passwd")
                    .differs("`..` above the root is 400 (as nginx); lighttpd clamps it at the root"),
            Case.same("example.com", "/x.php"),
            Case.same("example.com", "/x.php").with("Range: bytes=0-4"),
            Case.same("example.com", "/run.cgi"),
            Case.same("example.com", "/missing.php"),
            Case.same("example.com", "/app/"),
            Case.same("example.com", "/dir.php/"),
            Case.same("example.com", "/x.phps"),
            Case.same("example.com", "/x.php.txt"),
            Case.same("example.com", "/SHOUT.PHP").differs("staticExclude is case-insensitive in Gatehouse"),
            Case.same("example.com", "/x.php.gz").differs("a .gz/.br sibling of a script holds the script: 403"));

    @TempDir
    static Path tmp;
    private static Process lighttpd;
    private static int lighttpdPort;
    private static Gateway gatehouse;
    private static int gatehousePort;

    @BeforeAll
    static void start() throws Exception {
        assumeTrue(Files.isExecutable(LIGHTTPD), "lighttpd is not installed; apt-get install lighttpd to run this");
        tree();
        lighttpdPort = UnusedPort.next();
        Path conf = Files.writeString(tmp.resolve("lighttpd.conf"), """
                server.modules = ("mod_access", "mod_evhost", "mod_indexfile", "mod_dirlisting", "mod_staticfile")
                server.document-root = "%1$s/htdocs"
                server.bind = "127.0.0.1"
                server.port = %2$d
                server.errorlog = "%1$s/lighttpd.err"
                server.pid-file = "%1$s/lighttpd.pid"
                include_shell "/usr/share/lighttpd/create-mime.conf.pl"
                evhost.path-pattern = "%1$s/home/%%0/public_html/"
                url.access-deny = ("~", ".inc")
                index-file.names = ("index.php", "index.html")
                static-file.exclude-extensions = (".php", ".phtml", ".pl", ".fcgi", ".cgi")
                dir-listing.activate = "enable"
                $HTTP["url"] =~ "\\.pdf$" { server.range-requests = "disable" }
                """.formatted(tmp, lighttpdPort));
        lighttpd = new ProcessBuilder(LIGHTTPD.toString(), "-D", "-f", conf.toString())
                .redirectErrorStream(true).redirectOutput(tmp.resolve("lighttpd.out").toFile()).start();
        ExternalServer.awaitListening(lighttpd, lighttpdPort, tmp.resolve("lighttpd.out"));

        Path yaml = Files.writeString(tmp.resolve("gatehouse.yaml"), """
                listen: ["127.0.0.1:0"]
                accessLog: { path: "off" }
                vhosts:
                  - hosts: ["*"]
                    files:
                      root: "%1$s/home/%%0/public_html"
                      fallbackRoot: "%1$s/htdocs"
                      index: [index.php, index.html]
                      deny: ["~", ".inc"]
                      listing: true
                      noRanges: ['\\.pdf$']
                """.formatted(tmp));
        gatehouse = Gateway.start(GatewayConfig.load(yaml));
        gatehousePort = gatehouse.addresses().get(0).getPort();
    }

    @AfterAll
    static void stop() throws InterruptedException {
        if (gatehouse != null) {
            gatehouse.stop(Duration.ofSeconds(1));
        }
        ExternalServer.stop(lighttpd);
    }

    @Test
    void statusLocationAndBodyAgreeWithLighttpdExceptWhereDocumented() throws IOException {
        List<String> table = new ArrayList<>(List.of(
                "| Request | Host | lighttpd | Gatehouse | Body | Verdict |",
                "|---------|------|----------|-----------|------|---------|"));
        List<String> disagreements = new ArrayList<>();
        for (Case c : CASES) {
            RawHttp.Response theirs = request(lighttpdPort, c);
            RawHttp.Response ours = request(gatehousePort, c);
            boolean sameStatus = theirs.status() == ours.status()
                    && Objects.equals(theirs.header("Location"), ours.header("Location"));
            boolean bodiesCompared = theirs.status() / 100 == 2;
            boolean sameBody = !bodiesCompared || theirs.body().equals(ours.body());
            boolean agree = sameStatus && sameBody;
            String request = c.method() + " " + c.target() + (c.header() == null ? "" : " (" + c.header() + ")");
            String verdict = agree ? "same" : c.difference() == null ? "**UNEXPECTED**" : "on purpose: " + c.difference();
            table.add("| `" + request + "` | " + c.host() + " | " + describe(theirs) + " | " + describe(ours) + " | "
                    + (bodiesCompared ? (sameBody ? "same" : "differs") : "not compared") + " | " + verdict + " |");
            if (!agree && c.difference() == null) {
                disagreements.add(request + " on " + c.host());
            }
        }
        String markdown = String.join("\n", table) + "\n";
        System.out.println(markdown);
        Files.writeString(Path.of("target", "lighttpd-diff.md"), markdown);
        assertEquals(List.of(), disagreements, markdown);
    }

    private static String describe(RawHttp.Response response) {
        String location = response.header("Location");
        return response.status() + (location == null ? "" : " → " + location);
    }

    private static RawHttp.Response request(int port, Case c) throws IOException {
        String head = c.method() + " " + c.target() + " HTTP/1.1\r\nHost: " + c.host() + "\r\n"
                + (c.header() == null ? "" : c.header() + "\r\n")
                + (c.method().equals("POST") ? "Content-Length: 0\r\n" : "")
                + "Connection: close\r\n\r\n";
        return RawHttp.exchangeToClose(new InetSocketAddress("127.0.0.1", port), head);
    }

    /** The seed's layout: one public_html per domain under /home, and a default document root. */
    private static void tree() throws IOException {
        Path example = tmp.resolve("home/example.com/public_html");
        write(example.resolve("index.html"), "<h1>example.com</h1>\n");
        write(example.resolve("page.html"), "<p>a page of example.com</p>\n");
        write(example.resolve("style.css"), "body { color: black }\n");
        write(example.resolve("x.inc"), "<?php $secret = 1;\n");
        write(example.resolve("x.php"), "<?php $password = 'x';\n");
        write(example.resolve("x.php.gz"), "<?php $password = 'x'; (gzipped)\n");
        write(example.resolve("SHOUT.PHP"), "<?php $password = 'x';\n");
        write(example.resolve("run.cgi"), "#!/bin/sh\necho secret\n");
        write(example.resolve("x.phps"), "<?php shown on purpose;\n");
        write(example.resolve("x.php.txt"), "notes\n");
        write(example.resolve("app/index.php"), "<?php $password = 'x';\n");
        write(example.resolve("app/index.html"), "static index after the script\n");
        write(example.resolve("dir.php/index.html"), "a directory named like a script\n");
        write(example.resolve("page.html~"), "editor backup\n");
        write(example.resolve("doc.pdf"), "%PDF-1.4 not really a pdf\n");
        write(example.resolve(".htpasswd"), "admin:$apr1$x$y\n");
        write(example.resolve(".well-known/security.txt"), "Contact: mailto:security@example.com\n");
        write(example.resolve("sub/a.txt"), "a\n");
        write(example.resolve("sub/b.txt"), "b\n");
        write(example.resolve("deep/dir/index.html"), "deep index\n");
        Files.createDirectories(example.resolve("empty"));
        write(example.resolve("empty/index.html"), "");
        write(tmp.resolve("home/other.org/public_html/index.html"), "<h1>other.org</h1>\n");
        write(tmp.resolve("htdocs/index.html"), "<h1>default site</h1>\n");
    }
}
