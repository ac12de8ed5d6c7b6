package io.gatehouse.config;

import static io.gatehouse.config.YamlFiles.load;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A {@code files.root} takes every lighttpd mod_evhost token that src-docs/files.md lists and the file server
 * expands ({@code %5}-{@code %9}, {@code %{M}}, {@code %{M.N}}), not only {@code %0}-{@code %4}.
 */
class EvhostRootTokensTest {

    @TempDir
    Path dir;

    private String root(String root) throws ConfigException {
        GatewayConfig config = load(dir, "vhosts:\n  - hosts: ['*']\n    files:\n      root: \"" + root + "\"\n");
        return ((FilesConfig) config.vhosts().get(0).action()).root();
    }

    @Test
    void deeperLabelsAreAccepted() throws ConfigException {
        assertEquals("/srv/%5/%9/www", root("/srv/%5/%9/www"));
    }

    @Test
    void bracedLabelAndCharacterTokensAreAccepted() throws ConfigException {
        assertEquals("/srv/%{3.1}/%{3}/www", root("/srv/%{3.1}/%{3}/www"));
    }
}
