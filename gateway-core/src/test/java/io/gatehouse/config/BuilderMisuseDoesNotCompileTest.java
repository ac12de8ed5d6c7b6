package io.gatehouse.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;
import javax.tools.Diagnostic;
import javax.tools.DiagnosticCollector;
import javax.tools.JavaCompiler;
import javax.tools.JavaFileObject;
import javax.tools.StandardJavaFileManager;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * What the YAML reader can only refuse when it reads the file, the builder's types refuse when the code is compiled:
 * each misuse below is a compile error, not a {@link ConfigException} from {@code build()}.
 */
class BuilderMisuseDoesNotCompileTest {

    @TempDir
    Path dir;

    @Test
    void theValidFormsCompile() throws IOException {
        assertEquals("", errors("""
                GatewayConfig.builder()
                        .vhost(v -> v.hosts("*").proxy(p -> p.backend("http://127.0.0.1:1")))
                        .vhost(v -> v.hosts("a").route(r -> r.path("/api/").proxy(p -> p.backend("http://127.0.0.1:1").stripPrefix()))
                                .route(r -> r.match("^/(.*)$").proxy(p -> p.backend("http://127.0.0.1:1").path("/$1"))
                                        .requestHeaders(h -> h.remove("Cookie"))))
                        .build();
                """));
    }

    @ParameterizedTest
    @ValueSource(strings = {
            // stripPrefix means something only on a route with a path prefix
            "GatewayConfig.builder().vhost(v -> v.hosts(\"*\").proxy(p -> p.backend(\"http://127.0.0.1:1\").stripPrefix()));",
            "GatewayConfig.builder().vhost(v -> v.hosts(\"*\").route(r -> r.match(\"^/a\").proxy(p -> p.stripPrefix())));",
            "ProxyConfig.builder().backend(\"http://127.0.0.1:1\").stripPrefix();",
            // a backend path template belongs to a route
            "GatewayConfig.builder().vhost(v -> v.hosts(\"*\").proxy(p -> p.backend(\"http://127.0.0.1:1\").path(\"/x\")));",
            // a vhost has one action, and no routes beside it
            "GatewayConfig.builder().vhost(v -> v.hosts(\"*\").echo().files(f -> f.root(\"/srv\")));",
            "GatewayConfig.builder().vhost(v -> v.hosts(\"*\").echo().route(r -> r.echo()));",
            "GatewayConfig.builder().vhost(v -> v.hosts(\"*\").route(r -> r.echo()).echo());",
            // a route has one action; after it come only header changes
            "GatewayConfig.builder().vhost(v -> v.hosts(\"*\").route(r -> r.echo().rewrite(\"/x\")));",
            "GatewayConfig.builder().vhost(v -> v.hosts(\"*\").route(r -> r.echo().path(\"/x\")));",
            // choices are constants, not strings
            "GatewayConfig.builder().emit(\"rfc7239\");",
            "ProxyConfig.builder().balance(\"ip-hash\");",
    })
    void misuseIsACompileError(String statement) throws IOException {
        String errors = errors(statement);

        assertTrue(!errors.isEmpty(), "compiled: " + statement);
    }

    /** The compile errors of {@code statements} in a method of a class importing the config package, or "". */
    private String errors(String statements) throws IOException {
        Path source = Files.writeString(dir.resolve("Misuse.java"), """
                import io.gatehouse.config.*;
                class Misuse {
                    void misuse() throws Exception {
                %s
                    }
                }
                """.formatted(statements));
        JavaCompiler compiler = ToolProvider.getSystemJavaCompiler();
        DiagnosticCollector<JavaFileObject> diagnostics = new DiagnosticCollector<>();
        try (StandardJavaFileManager files = compiler.getStandardFileManager(diagnostics, Locale.ROOT, StandardCharsets.UTF_8)) {
            List<String> options = List.of("-classpath", System.getProperty("java.class.path"), "-d", dir.toString(), "-proc:none");
            compiler.getTask(null, files, diagnostics, options, null, files.getJavaFileObjects(source)).call();
        }
        return diagnostics.getDiagnostics().stream().filter(d -> d.getKind() == Diagnostic.Kind.ERROR)
                .map(d -> d.getMessage(Locale.ROOT)).collect(Collectors.joining("\n"));
    }
}
