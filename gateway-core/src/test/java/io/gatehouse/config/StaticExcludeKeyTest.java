package io.gatehouse.config;

import static io.gatehouse.config.YamlFiles.assertOnlyProblem;
import static io.gatehouse.config.YamlFiles.load;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code files.staticExclude}: the extensions never sent as files, lighttpd's {@code static-file.exclude-extensions}.
 * On unless turned off with an empty list, in YAML, in the builder and in a record built in code alike.
 */
class StaticExcludeKeyTest {

    private static final String FILES = "vhosts:\n  - hosts: ['*']\n    files:\n      root: /srv/www\n";

    @TempDir
    Path dir;

    private FilesConfig yaml(String filesYaml) throws ConfigException {
        return (FilesConfig) load(dir, FILES + filesYaml).vhosts().get(0).action();
    }

    private static FilesConfig built(Consumer<GatewayConfigBuilder.FilesBuilder> definition) throws ConfigException {
        return (FilesConfig) GatewayConfig.builder()
                .vhost(v -> v.hosts("*").files(f -> definition.accept(f.root("/srv/www"))))
                .build().vhosts().get(0).action();
    }

    @Test
    void scriptsAreExcludedWhenTheKeyIsAbsent() throws ConfigException {
        assertEquals(List.of(".php", ".phtml", ".pl", ".fcgi", ".cgi"), FilesConfig.DEFAULT_STATIC_EXCLUDE);
        assertEquals(FilesConfig.DEFAULT_STATIC_EXCLUDE, yaml("").staticExclude());
        assertEquals(FilesConfig.DEFAULT_STATIC_EXCLUDE, built(f -> { }).staticExclude());
    }

    @Test
    void aListReplacesTheDefaultAndIsLowerCased() throws ConfigException {
        assertEquals(List.of(".php", ".py"), yaml("      staticExclude: ['.PHP', .py]\n").staticExclude());
        assertEquals(List.of(".php", ".py"), built(f -> f.staticExclude(".PHP").staticExclude(".py")).staticExclude());
    }

    @Test
    void anEmptyListTurnsTheExclusionOff() throws ConfigException {
        assertEquals(List.of(), yaml("      staticExclude: []\n").staticExclude());
        assertEquals(List.of(), built(GatewayConfigBuilder.FilesBuilder::staticExclude).staticExclude());
    }

    @Test
    void anExtensionWithoutItsDotIsAProblemAtItsPlace() {
        assertOnlyProblem(dir, FILES + "      staticExclude: [.php, php]\n", 5, 29, "vhosts[0].files.staticExclude[1]",
                "expected a file name extension starting with a dot, like \".php\", got 'php'");
    }

    @Test
    void anExtensionHoldingASlashIsAProblem() {
        assertOnlyProblem(dir, FILES + "      staticExclude: ['.php/x']\n", 5, 23, "vhosts[0].files.staticExclude[0]",
                "expected a file name extension starting with a dot, like \".php\", got '.php/x'");
    }

    @Test
    void aRecordBuiltInCodeChecksItsExtensionsNamingTheKey() {
        IllegalArgumentException refused = assertThrows(IllegalArgumentException.class, () -> new FilesConfig("/srv/www",
                Optional.empty(), FilesConfig.DEFAULT_INDEX, List.of(), List.of("."), false, List.of(), java.util.Map.of(),
                false, FilesConfig.Gzip.DEFAULTS, FilesConfig.Cache.DEFAULTS, FilesConfig.DEFAULT_DOTFILES, java.util.Map.of(),
                FilesConfig.DEFAULT_SYMLINKS));
        assertEquals("files.staticExclude: expected a file name extension starting with a dot, like \".php\", got '.'",
                refused.getMessage());
    }
}
