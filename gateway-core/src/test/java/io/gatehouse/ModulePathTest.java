package io.gatehouse;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.tools.Diagnostic;
import javax.tools.DiagnosticCollector;
import javax.tools.JavaCompiler;
import javax.tools.JavaFileObject;
import javax.tools.StandardJavaFileManager;
import javax.tools.ToolProvider;
import java.io.File;
import java.io.IOException;
import java.lang.module.FindException;
import java.lang.module.ModuleDescriptor;
import java.lang.module.ModuleFinder;
import java.lang.module.ModuleReference;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Gatehouse as a modular application uses it: an application module that {@code requires io.gatehouse} compiles
 * against the module and runs in a JVM of its own on the module path, and cannot reach an internal package.
 *
 * <p>The module path is laid out as Maven lays it out for a modular application: io.gatehouse and the modules
 * it requires, transitively, on the module path; every other jar on the class path. Undertow and XNIO are
 * automatic modules whose own dependencies (jboss-logging, jboss-threads, wildfly-common) must stay on the
 * class path: as named modules, jboss-logging cannot read XNIO's message interfaces and jboss-threads requires
 * a module name that the wildfly-common version XNIO brings does not have.
 */
class ModulePathTest {

    private static final String APPLICATION_MODULE = """
            module demo.app {
                requires io.gatehouse;
            }
            """;

    /**
     * Starts a gateway from the builder, asks it for a file once, and reads a YAML file: the parts that could need
     * an {@code opens} (Jackson) or a resource of a package that is not exported (the MIME table).
     */
    private static final String APPLICATION = """
            package demo;

            import io.gatehouse.Gateway;
            import io.gatehouse.config.GatewayConfig;

            import java.io.InputStream;
            import java.net.HttpURLConnection;
            import java.net.URI;
            import java.nio.charset.StandardCharsets;
            import java.nio.file.Path;

            public class App {
                public static void main(String[] args) throws Exception {
                    GatewayConfig config = GatewayConfig.builder()
                            .listen("127.0.0.1:0")
                            .vhost(v -> v.name("demo").hosts("*").files(f -> f.root(args[1])))
                            .build();
                    try (Gateway gateway = Gateway.start(config)) {
                        int port = gateway.addresses().get(0).getPort();
                        HttpURLConnection request = (HttpURLConnection)
                                URI.create("http://127.0.0.1:" + port + "/style.css").toURL().openConnection();
                        System.out.println("status " + request.getResponseCode());
                        System.out.println("type " + request.getContentType());
                        try (InputStream body = request.getInputStream()) {
                            System.out.println("body " + new String(body.readAllBytes(), StandardCharsets.UTF_8));
                        }
                    }
                    System.out.println("yaml vhosts " + GatewayConfig.load(Path.of(args[0])).vhosts().size());
                    System.out.println("modules " + App.class.getModule().getName() + " " + Gateway.class.getModule().getName());
                }
            }
            """;

    private static final String YAML = """
            listen: ["127.0.0.1:0"]
            vhosts:
              - name: one
                hosts: ["one.example"]
                echo: {}
              - name: two
                hosts: ["two.example"]
                echo: {}
            """;

    private static final String APPLICATION_USING_INTERNALS = """
            package demo;

            import io.gatehouse.internal.proxy.ReverseProxy;

            public class App {
                public static void main(String[] args) {
                    System.out.println(ReverseProxy.class);
                }
            }
            """;

    private static Layout layout;

    @TempDir
    Path work;

    @BeforeAll
    static void layOut() throws URISyntaxException {
        layout = Layout.of(System.getProperty("java.class.path"));
    }

    @Test
    void anApplicationModuleStartsAGatewayOnTheModulePath() throws IOException, InterruptedException {
        Path classes = compiled(APPLICATION);
        Path config = Files.writeString(work.resolve("gatehouse.yaml"), YAML);
        Path site = Files.createDirectories(work.resolve("site"));
        Files.writeString(site.resolve("style.css"), "a { color: teal }");
        Path output = work.resolve("output.txt");

        Process child = new ProcessBuilder(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "--module-path", join(Stream.concat(Stream.of(classes), layout.modulePath().stream()).toList()),
                "--class-path", join(layout.classPath()),
                "--module", "demo.app/demo.App",
                config.toString(), site.toString())
                .redirectErrorStream(true)
                .redirectOutput(output.toFile())
                .start();
        if (!child.waitFor(2, TimeUnit.MINUTES)) {
            child.destroyForcibly().waitFor();
            fail("the application did not exit within 2 minutes:\n" + Files.readString(output));
        }
        String printed = Files.readString(output);
        assertEquals(0, child.exitValue(), printed);
        List<String> lines = printed.lines().toList();
        assertTrue(lines.contains("status 200"), printed);
        assertTrue(lines.stream().anyMatch(line -> line.startsWith("type text/css")), printed);
        assertTrue(lines.contains("body a { color: teal }"), printed);
        assertTrue(lines.contains("yaml vhosts 2"), printed);
        assertTrue(lines.contains("modules demo.app io.gatehouse"), printed);
    }

    @Test
    void anApplicationModuleCannotCompileAgainstAnInternalPackage() throws IOException {
        DiagnosticCollector<JavaFileObject> diagnostics = new DiagnosticCollector<>();

        Optional<Path> classes = compile(APPLICATION_USING_INTERNALS, diagnostics);

        assertTrue(classes.isEmpty(), "an application module compiled against io.gatehouse.internal.proxy");
        String errors = diagnostics.getDiagnostics().stream()
                .filter(d -> d.getKind() == Diagnostic.Kind.ERROR)
                .map(d -> d.getMessage(Locale.ROOT))
                .collect(Collectors.joining("\n"));
        assertTrue(errors.contains("package io.gatehouse.internal.proxy is declared in module io.gatehouse, which does not export it"),
                errors);
    }

    private Path compiled(String application) throws IOException {
        DiagnosticCollector<JavaFileObject> diagnostics = new DiagnosticCollector<>();
        return compile(application, diagnostics).orElseThrow(() -> new AssertionError(diagnostics.getDiagnostics().stream()
                .map(d -> d.getSource().getName() + ":" + d.getLineNumber() + ": " + d.getMessage(Locale.ROOT))
                .collect(Collectors.joining("\n", "the application module does not compile:\n", ""))));
    }

    /** The application module's classes, or empty when javac refused it (its reasons in {@code diagnostics}). */
    private Optional<Path> compile(String application, DiagnosticCollector<JavaFileObject> diagnostics) throws IOException {
        Path sources = Files.createDirectories(work.resolve("src"));
        Path moduleInfo = Files.writeString(sources.resolve("module-info.java"), APPLICATION_MODULE);
        Path app = Files.writeString(Files.createDirectories(sources.resolve("demo")).resolve("App.java"), application);
        Path classes = Files.createDirectories(work.resolve("classes"));

        JavaCompiler compiler = ToolProvider.getSystemJavaCompiler();
        assertNotNull(compiler, "tests must run on a JDK, not a JRE: no system Java compiler");
        try (StandardJavaFileManager files = compiler.getStandardFileManager(diagnostics, Locale.ROOT, StandardCharsets.UTF_8)) {
            List<String> options = List.of(
                    "--module-path", join(layout.modulePath()),
                    "--class-path", join(layout.classPath()),
                    "-d", classes.toString(), "-proc:none", "-encoding", "UTF-8");
            boolean compiled = compiler.getTask(null, files, diagnostics, options, null,
                    files.getJavaFileObjects(moduleInfo, app)).call();
            return compiled ? Optional.of(classes) : Optional.empty();
        }
    }

    private static String join(List<Path> paths) {
        return paths.stream().map(Path::toString).collect(Collectors.joining(File.pathSeparator));
    }

    /**
     * Where each entry of the test class path goes for a modular application: gateway-core's classes (with
     * module-info.class) and every module io.gatehouse requires, transitively, on the module path; the other jars
     * on the class path. The test's own classes go nowhere.
     */
    private record Layout(List<Path> modulePath, List<Path> classPath) {

        static Layout of(String testClassPath) throws URISyntaxException {
            Path moduleClasses = Path.of(Gateway.class.getProtectionDomain().getCodeSource().getLocation().toURI());
            assertTrue(Files.isRegularFile(moduleClasses.resolve("module-info.class")),
                    "no module-info.class in " + moduleClasses + ": run the tests after the module is compiled");
            ModuleDescriptor gatehouse = ModuleFinder.of(moduleClasses).find("io.gatehouse")
                    .map(ModuleReference::descriptor)
                    .orElseThrow(() -> new AssertionError(moduleClasses + " does not hold module io.gatehouse"));

            Map<String, Path> jarsByModule = new LinkedHashMap<>();
            List<Path> others = new ArrayList<>();
            for (String entry : testClassPath.split(File.pathSeparator)) {
                if (!entry.endsWith(".jar")) {
                    continue;
                }
                Path jar = Path.of(entry);
                Optional<String> name = moduleName(jar);
                if (name.isPresent() && !jarsByModule.containsKey(name.get())) {
                    jarsByModule.put(name.get(), jar);
                } else {
                    others.add(jar);
                }
            }

            List<Path> modulePath = new ArrayList<>(List.of(moduleClasses));
            Deque<ModuleDescriptor> pending = new ArrayDeque<>(List.of(gatehouse));
            Set<String> seen = new HashSet<>(Set.of(gatehouse.name()));
            while (!pending.isEmpty()) {
                for (ModuleDescriptor.Requires requires : pending.pop().requires()) {
                    Path jar = jarsByModule.get(requires.name());
                    if (jar != null && !requires.modifiers().contains(ModuleDescriptor.Requires.Modifier.STATIC)
                            && seen.add(requires.name())) {
                        modulePath.add(jar);
                        pending.push(ModuleFinder.of(jar).find(requires.name()).orElseThrow().descriptor());
                    }
                }
            }
            jarsByModule.forEach((name, jar) -> {
                if (!seen.contains(name)) {
                    others.add(jar);
                }
            });
            assertTrue(modulePath.size() > 1, "none of the modules io.gatehouse requires on the class path: " + testClassPath);
            return new Layout(List.copyOf(modulePath), List.copyOf(others));
        }

        /** The module a jar would be on the module path, or empty when it cannot be one (then it stays a plain jar). */
        private static Optional<String> moduleName(Path jar) {
            try {
                return ModuleFinder.of(jar).findAll().stream().findFirst().map(reference -> reference.descriptor().name());
            } catch (FindException notAModule) {
                return Optional.empty();
            }
        }
    }
}
