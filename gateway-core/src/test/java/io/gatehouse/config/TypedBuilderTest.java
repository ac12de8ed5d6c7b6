package io.gatehouse.config;

import static io.gatehouse.config.YamlFiles.load;
import static io.gatehouse.config.YamlFiles.withoutSource;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.gatehouse.internal.config.Keys;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The builder a Java developer can guess: choices are enum constants, nested keys are named sub-builders, and each
 * gives the records the equivalent YAML gives. (What the types refuse is in {@link BuilderMisuseDoesNotCompileTest}.)
 */
class TypedBuilderTest {

    @TempDir
    Path dir;

    @Test
    void theClassExampleGivesTheRecordsOfItsYaml() throws Exception {
        Path log = dir.resolve("access.log");
        GatewayConfig built = GatewayConfig.builder()
                .listen("127.0.0.1:8080")
                .trust("127.0.0.1/32")
                .accessLog(a -> a.path(log.toString()).format(AccessLogConfig.Format.JSON))
                .vhost(v -> v.hosts("example.com", "www.example.com")
                        .proxy(p -> p.backend("http://127.0.0.1:8081").backend("http://127.0.0.1:8082")
                                .balance(ProxyConfig.Balance.LEAST_REQUESTS)
                                .healthCheck(h -> h.path("/healthz").interval(Duration.ofSeconds(5)).expect(200))))
                .vhost(v -> v.hosts("*")
                        .route(r -> r.path("/api/").proxy(p -> p.backend("http://127.0.0.1:9000").stripPrefix()))
                        .route(r -> r.files(f -> f.root("/var/www/%0").deny("~", ".inc").gzip(g -> g.minSize(1024)))))
                .build();

        assertEquals(yaml("""
                listen: ["127.0.0.1:8080"]
                forwarded: { trusted: [127.0.0.1/32] }
                accessLog: { path: "%s", format: json }
                vhosts:
                  - hosts: [example.com, www.example.com]
                    proxy:
                      backends: ["http://127.0.0.1:8081", "http://127.0.0.1:8082"]
                      balance: least-requests
                      health: { path: /healthz, interval: 5s, expect: 200 }
                  - hosts: ["*"]
                    routes:
                      - { path: /api/, proxy: { backends: ["http://127.0.0.1:9000"], stripPrefix: true } }
                      - files: { root: /var/www/%%0, deny: ["~", .inc], gzip: { enabled: true, minSize: 1024 } }
                """.formatted(log)), built);
    }

    @Test
    void everyChoiceIsAnEnumConstantThatMeansWhatItsYamlSpellingMeans() throws Exception {
        for (ProxyConfig.Balance balance : ProxyConfig.Balance.values()) {
            assertEquals(yaml(echoAnd("proxy: { backends: ['http://127.0.0.1:1'], balance: " + Keys.spelling(balance) + " }")),
                    GatewayConfig.builder().vhost(v -> v.hosts("*").proxy(p -> p.backend("http://127.0.0.1:1").balance(balance)))
                            .build());
        }
        for (ForwardedConfig.Underscores policy : ForwardedConfig.Underscores.values()) {
            assertEquals(yaml("forwarded: { underscoresInHeaders: " + Keys.spelling(policy) + " }\n" + echoAnd("echo: {}")),
                    echo().underscoresInHeaders(policy).build());
        }
        for (Limits.EncodedSlashes mode : Limits.EncodedSlashes.values()) {
            assertEquals(yaml("limits: { encodedSlashes: " + Keys.spelling(mode) + " }\n" + echoAnd("echo: {}")),
                    echo().encodedSlashes(mode).build());
        }
        for (AccessLogConfig.Format format : AccessLogConfig.Format.values()) {
            assertEquals(format, echo().accessLog(a -> a.format(format)).build().accessLog().format());
        }
        for (FilesConfig.Dotfiles dotfiles : FilesConfig.Dotfiles.values()) {
            for (FilesConfig.Symlinks symlinks : FilesConfig.Symlinks.values()) {
                assertEquals(yaml(echoAnd("files: { root: /srv, dotfiles: " + Keys.spelling(dotfiles) + ", symlinks: "
                                + Keys.spelling(symlinks) + " }")),
                        GatewayConfig.builder().vhost(v -> v.hosts("*").files(f -> f.root("/srv").dotfiles(dotfiles).symlinks(symlinks)))
                                .build());
            }
        }
    }

    @Test
    void emitTakesTheHeaderFamiliesAsConstants() throws Exception {
        assertEquals(yaml("forwarded: { emit: [rfc7239, x-forwarded] }\n" + echoAnd("echo: {}")),
                echo().emit(ForwardedConfig.Emit.RFC7239, ForwardedConfig.Emit.X_FORWARDED).build());
        assertEquals(yaml("forwarded: { emit: [] }\n" + echoAnd("echo: {}")), echo().emit().build());
    }

    @Test
    void gzipTurnsCompressionOnWithWhatItsSubBuilderSays() throws Exception {
        assertEquals(yaml(echoAnd("files: { root: /srv, gzip: { enabled: true, minSize: 2048, types: [text/*, application/json] } }")),
                files(f -> f.gzip(g -> g.minSize(2048).types("text/*", "application/json"))));
        assertEquals(yaml(echoAnd("files: { root: /srv, gzip: { enabled: true } }")), files(f -> f.gzip()));
    }

    @Test
    void cacheSetsMaxAgeAndImmutableByName() throws Exception {
        assertEquals(yaml(echoAnd("files: { root: /srv, cache: { maxAge: 1h, immutable: true } }")),
                files(f -> f.cache(c -> c.maxAge(Duration.ofHours(1)).immutable(true))));
    }

    @Test
    void passiveHealthAndTheActiveCheckFillOneHealthMapping() throws Exception {
        GatewayConfig built = GatewayConfig.builder().vhost(v -> v.hosts("*").proxy(p -> p.backend("http://127.0.0.1:1")
                .passiveHealth(h -> h.failures(5).coolOff(Duration.ofSeconds(20)))
                .healthCheck(h -> h.path("/ready").expect(204)))).build();

        assertEquals(yaml(echoAnd("proxy: { backends: ['http://127.0.0.1:1'], health: { failures: 5, coolOff: 20s, path: /ready, "
                + "expect: 204 } }")), built);
    }

    @Test
    void theAccessLogIsOffUnlessAskedFor() throws Exception {
        assertEquals(AccessLogConfig.OFF_CONFIG, echo().build().accessLog());
    }

    @Test
    void anAccessLogAskedForWithoutAPathGoesToStandardOutputAsInYaml() throws Exception {
        assertEquals(AccessLogConfig.DEFAULTS, echo().accessLog(a -> a.format(AccessLogConfig.Format.COMBINED)).build().accessLog());
    }

    @Test
    void anAccessLogTakesAFileAndAFormat() throws Exception {
        Path file = dir.resolve("logs/access.log");

        assertEquals(new AccessLogConfig(file.toString(), AccessLogConfig.Format.JSON),
                echo().accessLog(a -> a.path(file.toString()).format(AccessLogConfig.Format.JSON)).build().accessLog());
    }

    @Test
    void withoutListenTheGatewayBindsEveryIpv4AddressOnPort80AsYamlDoes() throws Exception {
        assertEquals(List.of(new ListenAddress("0.0.0.0", 80)), echo().build().listen());
    }

    @Test
    void adminTakesItsAddressAndHostNames() throws Exception {
        GatewayConfig config = echo().listen("127.0.0.1:8080").admin(a -> a.listen(":9911").hosts("metrics.internal")).build();

        assertEquals(new AdminConfig(Optional.of(new ListenAddress("127.0.0.1", 9911)), List.of("metrics.internal")), config.admin());
    }

    @Test
    void anAdminWithNothingSetListensOnItsDefaultAddress() throws Exception {
        assertEquals(Optional.of(AdminConfig.DEFAULT_LISTEN), echo().listen("127.0.0.1:8080").admin(a -> { }).build().admin().listen());
    }

    @Test
    void headerMatchesIsAHeaderConditionWithARegexAndHeaderOnlyAsksForPresence() throws Exception {
        GatewayConfig built = GatewayConfig.builder().vhost(v -> v.hosts("*")
                .route(r -> r.headerMatches("X-Env", "^canary$").echo())
                .route(r -> r.header("X-Debug").echo())).build();

        assertEquals(yaml("""
                accessLog: { path: off }
                vhosts:
                  - hosts: ["*"]
                    routes:
                      - { header: { name: X-Env, matches: "^canary$" }, echo: {} }
                      - { header: { name: X-Debug }, echo: {} }
                """), built);
    }

    @Test
    void aLaterHeaderConditionReplacesAnEarlierOne() throws Exception {
        GatewayConfig built = GatewayConfig.builder().vhost(v -> v.hosts("*")
                .route(r -> r.headerMatches("X-Env", "^canary$").header("X-Debug").echo())).build();

        assertEquals(Optional.of(new HeaderCondition("X-Debug", Optional.empty())), built.vhosts().get(0).routes().get(0).header());
    }

    @Test
    void aRoutesProxyPathTemplateAndStripPrefixReplaceEachOtherLikeAnySetter() throws Exception {
        GatewayConfig stripped = GatewayConfig.builder().vhost(v -> v.hosts("*")
                .route(r -> r.path("/api/").proxy(p -> p.backend("http://127.0.0.1:1").path("/v2/").stripPrefix()))).build();
        GatewayConfig templated = GatewayConfig.builder().vhost(v -> v.hosts("*")
                .route(r -> r.path("/api/").proxy(p -> p.backend("http://127.0.0.1:1").stripPrefix().path("/v2/")))).build();

        assertEquals(new ProxyPath(Optional.empty(), true), stripped.vhosts().get(0).routes().get(0).proxyPath());
        assertEquals(new ProxyPath(Optional.of(Template.parse("/v2/", Template.Use.PATH)), false),
                templated.vhosts().get(0).routes().get(0).proxyPath());
    }

    @Test
    void aRouteTakesHeaderChangesBeforeAndAfterItsAction() throws Exception {
        GatewayConfig built = GatewayConfig.builder().vhost(v -> v.hosts("*")
                .route(r -> r.path("/a/").requestHeaders(h -> h.set("X-Side", "a")).echo().responseHeaders(h -> h.remove("Server"))))
                .build();

        assertEquals(yaml("""
                accessLog: { path: off }
                vhosts:
                  - hosts: ["*"]
                    routes:
                      - { path: /a/, echo: {}, headers: { request: { set: { X-Side: a } }, response: { remove: [Server] } } }
                """), built);
    }

    @Test
    void redirectAndRespondAndRewriteAreRouteActionsLikeInYaml() throws Exception {
        GatewayConfig built = GatewayConfig.builder().vhost(v -> v.hosts("*")
                .route(r -> r.match("^/blog/(\\d+)$").redirect("/posts/$1", 301))
                .route(r -> r.path("/old/").rewrite("/new/"))
                .route(r -> r.respond(x -> x.status(404).body("gone").header("Content-Type", "text/plain")))).build();

        assertEquals(yaml("""
                accessLog: { path: off }
                vhosts:
                  - hosts: ["*"]
                    routes:
                      - { match: '^/blog/(\\d+)$', redirect: { to: /posts/$1, status: 301 } }
                      - { path: /old/, rewrite: { to: /new/ } }
                      - { respond: { status: 404, body: gone, headers: { Content-Type: text/plain } } }
                """), built);
    }

    /** A gateway with one echo vhost for every host. */
    private static GatewayConfigBuilder echo() {
        return GatewayConfig.builder().vhost(v -> v.hosts("*").echo());
    }

    /** A gateway with one vhost for every host serving /srv as {@code definition} says. */
    private static GatewayConfig files(Consumer<GatewayConfigBuilder.FilesBuilder> definition) throws ConfigException {
        return GatewayConfig.builder().vhost(v -> v.hosts("*").files(f -> definition.accept(f.root("/srv")))).build();
    }

    /** The YAML of one vhost for every host with {@code action}, and the builder's access log (off). */
    private static String echoAnd(String action) {
        return "accessLog: { path: off }\nvhosts:\n  - hosts: ['*']\n    " + action + "\n";
    }

    /** {@code yaml} loaded, as the builder would make it; its access log as the text says (the builder's is off). */
    private GatewayConfig yaml(String yaml) throws ConfigException {
        return withoutSource(load(dir, yaml));
    }
}
