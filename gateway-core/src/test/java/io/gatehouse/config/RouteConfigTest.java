package io.gatehouse.config;

import static io.gatehouse.config.YamlFiles.assertOnlyProblem;
import static io.gatehouse.config.YamlFiles.load;
import static io.gatehouse.config.YamlFiles.withoutSource;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.net.URI;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The {@code routes} of a vhost: the issue's example, the builder, and every problem a route can have. */
class RouteConfigTest {

    /** The routes block of issue 4, verbatim. */
    static final String ISSUE_ROUTES = """
            vhosts:
              - hosts: [example.com]
                routes:
                  - path: /api/                                 # prefix match
                    proxy: { backends: ["http://127.0.0.1:8081"], stripPrefix: true }
                  - match: '^/blog/(\\d+)/(.*)$'                 # regex on the decoded path, captures $1..$9
                    redirect: { to: '/posts/$1/$2', status: 301 }
                  - match: '^/(.*)$'                            # the seed's rule: RewriteRule ^/(.*)$ http://127.0.0.1:8080/$1 [P,L]
                    proxy: { backends: ["http://127.0.0.1:8080"], path: '/$1' }
                  - match: '\\.(bak|sql)$'
                    respond: { status: 403 }
                  - methods: [POST, PUT, DELETE]                # optional method condition on any route
                    respond: { status: 405 }
                  - files: { root: /var/www/example }
            """;

    @TempDir
    Path dir;

    @Test
    void issueExampleRoutesLoadIntoTheExpectedRecords() throws Exception {
        List<Route> routes = load(dir, ISSUE_ROUTES).vhosts().get(0).routes().stream().map(YamlFiles::withoutOrigin).toList();

        Timeouts t = Timeouts.DEFAULTS;
        ProxyConfig api = LoadedRecords.proxy(List.of(URI.create("http://127.0.0.1:8081")), true, t.connect(), t.response(), 64, 1024);
        ProxyConfig seed = LoadedRecords.proxy(List.of(URI.create("http://127.0.0.1:8080")), true, t.connect(), t.response(), 64, 1024);
        List<Route> expected = List.of(
                route(Optional.of("/api/"), null, List.of(), api, new ProxyPath(Optional.empty(), true)),
                route(Optional.empty(), "^/blog/(\\d+)/(.*)$", List.of(),
                        new RedirectConfig(Template.parse("/posts/$1/$2", Template.Use.TARGET), 301), ProxyPath.UNCHANGED),
                route(Optional.empty(), "^/(.*)$", List.of(), seed,
                        new ProxyPath(Optional.of(Template.parse("/$1", Template.Use.PATH)), false)),
                route(Optional.empty(), "\\.(bak|sql)$", List.of(), new RespondConfig(403, Optional.empty(), List.of()), ProxyPath.UNCHANGED),
                route(Optional.empty(), null, List.of("POST", "PUT", "DELETE"), new RespondConfig(405, Optional.empty(), List.of()),
                        ProxyPath.UNCHANGED),
                Route.catchAll(LoadedRecords.files("/var/www/example", Optional.empty(), FilesConfig.DEFAULT_INDEX, List.of(), List.of())));
        assertEquals(expected, routes);
    }

    @Test
    void issueExampleWarnsAboutTheRoutesTheSeedsCatchAllShadows() throws Exception {
        GatewayConfig config = load(dir, ISSUE_ROUTES);
        String file = dir.resolve("gatehouse.yaml").toString();

        List<String> warnings = config.warnings().stream().map(ConfigProblem::toString).toList();

        String because = "this route never matches: route 2 (match '^/(.*)$', line 8) takes every request it would";
        assertEquals(List.of(
                file + ":10:9: vhosts[0].routes[3]: " + because,
                file + ":12:9: vhosts[0].routes[4]: " + because,
                file + ":14:9: vhosts[0].routes[5]: " + because), warnings);
    }

    @Test
    void routeRecordsKeepWhereTheyWereWritten() throws Exception {
        Route.Origin origin = load(dir, ISSUE_ROUTES).vhosts().get(0).routes().get(1).origin();
        assertEquals(new Route.Origin(Optional.of(dir.resolve("gatehouse.yaml").toString()), 6, 9, "vhosts[0].routes[1]"), origin);
    }

    @Test
    void builderGivesTheSameRecordsAsRoutesInYaml() throws Exception {
        GatewayConfig built = GatewayConfig.builder()
                .vhost(v -> v.hosts("example.com")
                        .route(r -> r.path("/api/").proxy(p -> p.backend("http://127.0.0.1:8081").stripPrefix()))
                        .route(r -> r.match("^/blog/(\\d+)/(.*)$").redirect("/posts/$1/$2", 301))
                        .route(r -> r.match("^/(.*)$").methods("GET").headerMatches("X-Env", "^canary$")
                                .proxy(p -> p.backend("http://127.0.0.1:8080").path("/$1"))
                                .requestHeaders(h -> h.set("X-Client-IP", "${client_ip}").add("X-Tag", "$1").remove("Cookie"))
                                .responseHeaders(h -> h.remove("Server")))
                        .route(r -> r.path("/old/").rewrite("/new/"))
                        .route(r -> r.header("X-Debug").echo())
                        .route(r -> r.respond(x -> x.status(404).body("gone").header("Content-Type", "text/html"))))
                .build();

        GatewayConfig loaded = load(dir, """
                accessLog: { path: off }
                vhosts:
                  - hosts: [example.com]
                    routes:
                      - { path: /api/, proxy: { backends: ["http://127.0.0.1:8081"], stripPrefix: true } }
                      - { match: '^/blog/(\\d+)/(.*)$', redirect: { to: '/posts/$1/$2', status: 301 } }
                      - match: '^/(.*)$'
                        methods: [GET]
                        header: { name: X-Env, matches: '^canary$' }
                        proxy: { backends: ["http://127.0.0.1:8080"], path: '/$1' }
                        headers:
                          request: { set: { X-Client-IP: '${client_ip}' }, add: { X-Tag: '$1' }, remove: [Cookie] }
                          response: { remove: [Server] }
                      - { path: /old/, rewrite: { to: /new/ } }
                      - { header: { name: X-Debug }, echo: {} }
                      - respond: { status: 404, body: gone, headers: { Content-Type: text/html } }
                """);
        assertEquals(withoutSource(loaded), built);
    }

    @Test
    void actionOfTheShorthandIsItsCatchAllRoutesAction() throws Exception {
        VirtualHost shorthand = load(dir, "vhosts: [{hosts: [a], echo: {}}]").vhosts().get(0);
        assertEquals(new EchoConfig(), shorthand.action());
    }

    @Test
    void actionOfAVhostWithRoutesIsRefused() throws Exception {
        VirtualHost routed = load(dir, ISSUE_ROUTES).vhosts().get(0);
        assertEquals("vhost 'example.com' has routes; read routes() instead of action()",
                org.junit.jupiter.api.Assertions.assertThrows(IllegalStateException.class, routed::action).getMessage());
    }

    @Test
    void aVhostWithRoutesAndAnActionIsAProblem() {
        assertOnlyProblem(dir, """
                vhosts:
                  - hosts: [example.com]
                    echo: {}
                    routes: [{ echo: {} }]
                """, 3, 5, "vhosts[0].echo",
                "a vhost has either routes or one action, not both; make this 'echo' the last route (a route without conditions takes every request)");
    }

    @Test
    void aRouteWithoutActionNamesTheValidOnes() {
        assertOnlyProblem(dir, """
                vhosts:
                  - hosts: [example.com]
                    routes:
                      - path: /x
                """, 4, 9, "vhosts[0].routes[0]", "a route needs exactly one action: proxy, files, echo, redirect, respond, rewrite");
    }

    @Test
    void aRouteWithTwoActionsIsAProblemAtTheSecond() {
        assertOnlyProblem(dir, """
                vhosts:
                  - hosts: [example.com]
                    routes:
                      - echo: {}
                        respond: { status: 200 }
                """, 5, 9, "vhosts[0].routes[0].respond",
                "a route takes exactly one action of proxy, files, echo, redirect, respond, rewrite; this one already has 'echo'");
    }

    @Test
    void aCaptureBeyondTheGroupsOfMatchIsAProblem() {
        assertOnlyProblem(dir, """
                vhosts:
                  - hosts: [example.com]
                    routes:
                      - { match: '^/(a)$', redirect: { to: '/$2' } }
                """, 4, 9, "vhosts[0].routes[0]", "uses $2, but its match '^/(a)$' has 1 group");
    }

    @Test
    void aCaptureWithoutMatchIsAProblem() {
        assertOnlyProblem(dir, """
                vhosts:
                  - hosts: [example.com]
                    routes:
                      - { path: /a/, headers: { response: { set: { X-A: '$1' } } }, echo: {} }
                """, 4, 9, "vhosts[0].routes[0]", "uses $1, but the route has no 'match' regex to capture it");
    }

    @Test
    void stripPrefixNeedsAPathPrefix() {
        assertOnlyProblem(dir, """
                vhosts:
                  - hosts: [example.com]
                    routes:
                      - match: '^/(.*)$'
                        proxy: { backends: ["http://127.0.0.1:1"], stripPrefix: true }
                """, 5, 52, "vhosts[0].routes[0].proxy.stripPrefix",
                "stripPrefix removes the route's path prefix, and this route has no 'path'; with 'match', give proxy.path like '/$1'");
    }

    @Test
    void stripPrefixAndPathTogetherIsAProblem() {
        assertOnlyProblem(dir, """
                vhosts:
                  - hosts: [example.com]
                    routes:
                      - path: /a/
                        proxy: { backends: ["http://127.0.0.1:1"], path: /b/, stripPrefix: true }
                """, 5, 63, "vhosts[0].routes[0].proxy.stripPrefix", "give either path or stripPrefix, not both");
    }

    @Test
    void pathAndStripPrefixAreOnlyForRoutes() {
        assertOnlyProblem(dir, """
                vhosts:
                  - hosts: [example.com]
                    proxy: { backends: ["http://127.0.0.1:1"], stripPrefix: true }
                """, 3, 48, "vhosts[0].proxy.stripPrefix",
                "unknown key 'stripPrefix'; valid keys here: backends, preserveHost, timeouts, connections, maxConnections, queue, balance, health, retries, tls");
    }

    @Test
    void aRedirectTargetStartingWithACaptureIsAProblem() {
        assertOnlyProblem(dir, """
                vhosts:
                  - hosts: [example.com]
                    routes:
                      - { match: '^/(.*)$', redirect: { to: '$1' } }
                """, 4, 45, "vhosts[0].routes[0].redirect.to",
                "'$1' must start with a single / (a path on this host) or with a scheme and host, like https://example.com/");
    }

    @Test
    void aSchemeRelativeTargetIsAProblem() {
        assertOnlyProblem(dir, """
                vhosts:
                  - hosts: [example.com]
                    routes:
                      - { redirect: { to: '//example.net/' } }
                """, 4, 27, "vhosts[0].routes[0].redirect.to",
                "'//example.net/' must start with a single / (a path on this host) or with a scheme and host, like https://example.com/");
    }

    @Test
    void aRewriteTargetMustBeAPath() {
        assertOnlyProblem(dir, """
                vhosts:
                  - hosts: [example.com]
                    routes:
                      - { rewrite: { to: 'https://example.net/' } }
                """, 4, 26, "vhosts[0].routes[0].rewrite.to", "'https://example.net/' must start with a single / (a path on this host)");
    }

    @Test
    void anUnknownSubstitutionNamesTheValidOnes() {
        assertOnlyProblem(dir, """
                vhosts:
                  - hosts: [example.com]
                    routes:
                      - { redirect: { to: '/${uri}' } }
                """, 4, 27, "vhosts[0].routes[0].redirect.to", "'/${uri}': unknown substitution '${uri}'; valid: $0 to $9, "
                        + "${client_ip}, ${host}, ${scheme}, ${request_id}, %{QUERY}, and $$ for a literal $");
    }

    @Test
    void aLonePercentInATargetIsAProblem() {
        assertOnlyProblem(dir, """
                vhosts:
                  - hosts: [example.com]
                    routes:
                      - { redirect: { to: '/100%' } }
                """, 4, 27, "vhosts[0].routes[0].redirect.to",
                "'/100%': a % must start an escape like %20 or be %{QUERY}; a literal % is written %25");
    }

    @Test
    void aRedirectStatusOutsideTheRedirectsIsAProblem() {
        assertOnlyProblem(dir, """
                vhosts:
                  - hosts: [example.com]
                    routes:
                      - { redirect: { to: /x, status: 200 } }
                """, 4, 39, "vhosts[0].routes[0].redirect.status", "expected one of 301, 302, 303, 307, 308, got '200'");
    }

    @Test
    void aNoContentResponseWithABodyIsAProblem() {
        assertOnlyProblem(dir, """
                vhosts:
                  - hosts: [example.com]
                    routes:
                      - { respond: { status: 204, body: x } }
                """, 4, 35, "vhosts[0].routes[0].respond.body", "a 204 response has no body");
    }

    @Test
    void framingHeadersCannotBeChanged() {
        assertOnlyProblem(dir, """
                vhosts:
                  - hosts: [example.com]
                    routes:
                      - { echo: {}, headers: { response: { remove: [Content-Length] } } }
                """, 4, 53, "vhosts[0].routes[0].headers.response.remove[0]",
                "Content-Length is set by the gateway from the body it sends; it cannot be changed here");
    }

    @Test
    void forwardedPolicyHeadersCannotBeChangedOnTheRequest() {
        assertOnlyProblem(dir, """
                vhosts:
                  - hosts: [example.com]
                    routes:
                      - { echo: {}, headers: { request: { set: { X-Real-IP: '${client_ip}' } } } }
                """, 4, 50, "vhosts[0].routes[0].headers.request.set.X-Real-IP",
                "X-Real-IP is set by the proxy's forwarded policy (forwarded.trusted) and cannot be changed by a route; "
                        + "to pass the client address under another name, set e.g. X-Client-IP: '${client_ip}'");
    }

    @Test
    void aPathPrefixThatCanNeverMatchIsAProblem() {
        assertOnlyProblem(dir, """
                vhosts:
                  - hosts: [example.com]
                    routes:
                      - { path: /a/../b, echo: {} }
                """, 4, 17, "vhosts[0].routes[0].path",
                "'/a/../b' can never match: requests are matched by their normalised path, without //, /./ or /../");
    }

    @Test
    void anInvalidMethodIsAProblem() {
        assertOnlyProblem(dir, """
                vhosts:
                  - hosts: [example.com]
                    routes:
                      - { methods: ['GET POST'], echo: {} }
                """, 4, 21, "vhosts[0].routes[0].methods[0]", "expected a method like GET or POST, got 'GET POST'");
    }

    private static Route route(Optional<String> path, String match, List<String> methods, Action action, ProxyPath proxyPath) {
        return new Route(path, Optional.ofNullable(match).map(regex -> new Regex(Pattern.compile(regex, Pattern.DOTALL))), methods, Optional.empty(), action, proxyPath,
                HeaderRules.NONE, Route.Origin.UNKNOWN);
    }
}
