package io.gatehouse.config;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;

/** {@link GatewayConfig#warnings()}: routes an earlier route of their vhost always takes the requests of. */
class RouteShadowingTest {

    private static List<String> warnings(List<Consumer<GatewayConfigBuilder.RouteBuilder>> routes) throws ConfigException {
        return GatewayConfig.builder()
                .vhost(v -> {
                    v.hosts("example.com");
                    routes.forEach(route -> v.route(r -> {
                        route.accept(r);
                        r.echo();
                    }));
                })
                .build().warnings().stream().map(ConfigProblem::toString).toList();
    }

    @Test
    void aCatchAllShadowsEveryLaterRoute() throws Exception {
        assertEquals(List.of(
                "vhosts[0].routes[1]: this route never matches: route 0 (any request) takes every request it would",
                "vhosts[0].routes[2]: this route never matches: route 0 (any request) takes every request it would"),
                warnings(List.of(r -> { }, r -> r.path("/a/"), r -> r.methods("POST"))));
    }

    @Test
    void aShorterPrefixShadowsALongerOne() throws Exception {
        assertEquals(List.of("vhosts[0].routes[1]: this route never matches: route 0 (path /api/) takes every request it would"),
                warnings(List.of(r -> r.path("/api/"), r -> r.path("/api/v2/"))));
    }

    @Test
    void aPrefixShadowsARegexAnchoredInsideIt() throws Exception {
        assertEquals(List.of("vhosts[0].routes[1]: this route never matches: route 0 (path /blog/) takes every request it would"),
                warnings(List.of(r -> r.path("/blog/"), r -> r.match("^/blog/(\\d+)$"))));
    }

    @Test
    void aRegexMatchingEveryPathShadowsEverything() throws Exception {
        assertEquals(List.of("vhosts[0].routes[1]: this route never matches: route 0 (match '^/(.*)$') takes every request it would"),
                warnings(List.of(r -> r.match("^/(.*)$"), r -> r.path("/x"))));
    }

    @Test
    void aMethodConditionShadowsOnlyRoutesWithFewerMethods() throws Exception {
        assertEquals(List.of("vhosts[0].routes[1]: this route never matches: route 0 (methods [GET, POST]) takes every request it would"),
                warnings(List.of(r -> r.methods("GET", "POST"), r -> r.path("/a").methods("HEAD"), r -> r.methods("PUT"))));
    }

    @Test
    void aHeaderConditionShadowsOnlyTheSameCondition() throws Exception {
        assertEquals(List.of("vhosts[0].routes[1]: this route never matches: route 0 (header X-Env matches 'a') takes every request it would"),
                warnings(List.of(r -> r.headerMatches("X-Env", "a"), r -> r.path("/x").headerMatches("x-env", "a"), r -> r.headerMatches("X-Env", "b"))));
    }

    @Test
    void routesThatCanStillMatchAreNotReported() throws Exception {
        assertEquals(List.of(), warnings(List.of(
                r -> r.path("/api/v2/"), r -> r.path("/api/"),
                r -> r.path("/a").match("^/a/b"), r -> r.path("/a/c"),
                r -> r.match("\\.php$"), r -> r.path("/x.php"),
                r -> r.match("^/(.+)$"), r -> r.path("/"))));
    }

    @Test
    void aRewriteShadowsNothingBecauseMatchingGoesOn() throws Exception {
        List<String> warnings = GatewayConfig.builder()
                .vhost(v -> v.hosts("example.com").route(r -> r.rewrite("/x")).route(r -> r.path("/y").echo()))
                .build().warnings().stream().map(ConfigProblem::toString).toList();
        assertEquals(List.of(), warnings);
    }
}
