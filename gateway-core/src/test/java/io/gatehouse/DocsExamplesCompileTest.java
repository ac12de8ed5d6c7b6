package io.gatehouse;

import io.gatehouse.testing.RepositoryRoot;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;

import javax.tools.Diagnostic;
import javax.tools.DiagnosticCollector;
import javax.tools.JavaCompiler;
import javax.tools.JavaFileObject;
import javax.tools.StandardJavaFileManager;
import javax.tools.ToolProvider;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.DynamicTest.dynamicTest;

/**
 * Every {@code ```java} block of the pages below compiles against the current API and its dependencies, so a
 * user can paste it and the docs cannot drift from the code. Each block must therefore be a whole compilation
 * unit (imports, a class); a fragment fails, naming its file and line.
 */
class DocsExamplesCompileTest {

    /** The pages whose Java blocks must compile, relative to the repository root: one line per page. */
    private static final List<String> PAGES = List.of(
            "README.md",
            "src-docs/embedding.md");

    private static final Pattern TOP_LEVEL_TYPE =
            Pattern.compile("(?m)^(?:public\\s+)?(?:final\\s+|abstract\\s+)?(?:class|record|interface|enum)\\s+(\\w+)");

    @TempDir
    Path classes;

    @TestFactory
    Stream<DynamicTest> everyJavaBlockCompiles() throws IOException {
        Path root = RepositoryRoot.find();
        List<JavaBlock> blocks = new ArrayList<>();
        for (String page : PAGES) {
            blocks.addAll(JavaBlock.readAll(root, page));
        }
        assertFalse(blocks.isEmpty(), "no ```java block found in " + PAGES);
        return blocks.stream().map(block -> dynamicTest(block.where(), () -> assertCompiles(block)));
    }

    private void assertCompiles(JavaBlock block) throws IOException {
        Matcher type = TOP_LEVEL_TYPE.matcher(block.code());
        if (!type.find()) {
            fail(block.where() + ": not a compilation unit (no top-level class); a user cannot paste a fragment");
        }
        Path sources = Files.createDirectories(classes.resolve(block.id()).resolve("src"));
        Path output = Files.createDirectories(classes.resolve(block.id()).resolve("classes"));
        Path source = Files.writeString(sources.resolve(type.group(1) + ".java"), block.code());

        JavaCompiler compiler = ToolProvider.getSystemJavaCompiler();
        assertNotNull(compiler, "tests must run on a JDK, not a JRE: no system Java compiler");
        DiagnosticCollector<JavaFileObject> diagnostics = new DiagnosticCollector<>();
        try (StandardJavaFileManager files = compiler.getStandardFileManager(diagnostics, Locale.ROOT, StandardCharsets.UTF_8)) {
            List<String> options = List.of("-classpath", System.getProperty("java.class.path"),
                    "-d", output.toString(), "-proc:none", "-encoding", "UTF-8");
            boolean compiled = compiler.getTask(null, files, diagnostics, options, null,
                    files.getJavaFileObjects(source)).call();
            if (!compiled) {
                fail(diagnostics.getDiagnostics().stream()
                        .filter(d -> d.getKind() == Diagnostic.Kind.ERROR)
                        .map(d -> block.page() + ":" + block.docLine(d.getLineNumber()) + ": " + d.getMessage(Locale.ROOT))
                        .collect(Collectors.joining("\n", block.where() + " does not compile:\n", "")));
            }
        }
    }

    /** One fenced {@code ```java} block: the page it is in, the page's line of its first code line, its code. */
    private record JavaBlock(String page, int firstLine, String code) {

        static List<JavaBlock> readAll(Path root, String page) throws IOException {
            List<String> lines = Files.readAllLines(root.resolve(page), StandardCharsets.UTF_8);
            List<JavaBlock> blocks = new ArrayList<>();
            for (int i = 0; i < lines.size(); i++) {
                if (!lines.get(i).strip().equals("```java")) {
                    continue;
                }
                int first = i + 1;
                int end = first;
                while (end < lines.size() && !lines.get(end).strip().equals("```")) {
                    end++;
                }
                if (end == lines.size()) {
                    throw new IllegalStateException(page + ":" + (i + 1) + ": ```java block never closed");
                }
                blocks.add(new JavaBlock(page, first + 1, String.join("\n", lines.subList(first, end)) + "\n"));
                i = end;
            }
            return blocks;
        }

        String where() {
            return page + ":" + firstLine;
        }

        /** A directory name of its own for each block, so that two blocks may declare the same class. */
        String id() {
            return page.replaceAll("[^A-Za-z0-9]", "_") + "_" + firstLine;
        }

        long docLine(long blockLine) {
            return blockLine <= 0 ? firstLine : firstLine + blockLine - 1;
        }
    }
}
