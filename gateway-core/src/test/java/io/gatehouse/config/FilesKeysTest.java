package io.gatehouse.config;

import static io.gatehouse.config.YamlFiles.load;
import static io.gatehouse.config.YamlFiles.problems;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The {@code files} keys added for lighttpd-grade serving: binding, defaults, and the problems they report. */
class FilesKeysTest {

    @TempDir
    Path dir;

    private FilesConfig files(String filesYaml) throws ConfigException {
        GatewayConfig config = load(dir, "vhosts:\n  - hosts: ['*']\n    files:\n      root: /srv/www\n" + filesYaml);
        return (FilesConfig) config.vhosts().get(0).action();
    }

    private String onlyProblem(String filesYaml) {
        List<ConfigProblem> found = problems(dir, "vhosts:\n  - hosts: ['*']\n    files:\n      root: /srv/www\n" + filesYaml);
        assertEquals(1, found.size(), found.toString());
        return found.get(0).keyPath() + ": " + found.get(0).message();
    }

    @Test
    void everyKeyIsBound() throws ConfigException {
        FilesConfig files = files("""
                      mimeTypes: { ts: text/x-typescript, .Map: "application/json; charset=utf-8" }
                      precompressed: true
                      gzip: { enabled: true, minSize: 2KiB, types: [text/*, Application/JSON] }
                      cache: { maxAge: 1h, immutable: true }
                      dotfiles: allow
                      errorPages: { 404: /errors/404.html, 503: /errors/503.html }
                      symlinks: owner-match
                """);
        assertEquals(Map.of("ts", "text/x-typescript", "map", "application/json; charset=utf-8"), files.mimeTypes());
        assertEquals(true, files.precompressed());
        assertEquals(new FilesConfig.Gzip(true, 2048, List.of("text/*", "application/json")), files.gzip());
        assertEquals(new FilesConfig.Cache(Optional.of(Duration.ofHours(1)), true), files.cache());
        assertEquals(FilesConfig.Dotfiles.ALLOW, files.dotfiles());
        assertEquals(Map.of(404, "/errors/404.html", 503, "/errors/503.html"), files.errorPages());
        assertEquals(FilesConfig.Symlinks.OWNER_MATCH, files.symlinks());
    }

    @Test
    void defaultsAreTheDocumentedOnes() throws ConfigException {
        FilesConfig files = files("");
        assertEquals(LoadedRecords.files("/srv/www", Optional.empty(), FilesConfig.DEFAULT_INDEX, List.of(), List.of()), files);
        assertEquals(false, files.precompressed());
        assertEquals(FilesConfig.Gzip.DEFAULTS, files.gzip());
        assertEquals(FilesConfig.Cache.DEFAULTS, files.cache());
        assertEquals(FilesConfig.Dotfiles.DENY, files.dotfiles());
        assertEquals(FilesConfig.Symlinks.INSIDE_ROOT, files.symlinks());
    }

    @Test
    void unknownDotfilesValueIsAProblem() {
        assertEquals("vhosts[0].files.dotfiles: expected one of deny, allow, got 'hide'", onlyProblem("      dotfiles: hide\n"));
    }

    @Test
    void unknownSymlinksValueIsAProblem() {
        assertEquals("vhosts[0].files.symlinks: expected one of never, inside-root, owner-match, got 'always'",
                onlyProblem("      symlinks: always\n"));
    }

    @Test
    void errorPageForASuccessStatusIsAProblem() {
        assertEquals("vhosts[0].files.errorPages.200: expected an error status 400-599, got '200'",
                onlyProblem("      errorPages: { 200: /ok.html }\n"));
    }

    @Test
    void errorPageOutsideTheRootIsAProblem() {
        assertEquals("vhosts[0].files.errorPages.404: expected a path inside the document root like /errors/404.html, "
                + "got '/../etc/passwd'", onlyProblem("      errorPages: { 404: /../etc/passwd }\n"));
    }

    @Test
    void malformedMediaTypeIsAProblem() {
        assertEquals("vhosts[0].files.mimeTypes.ts: expected a media type like 'text/plain' or 'text/plain; charset=utf-8', "
                + "got 'typescript'", onlyProblem("      mimeTypes: { ts: typescript }\n"));
    }

    @Test
    void unknownCacheKeyIsReportedWithASuggestion() {
        assertEquals("vhosts[0].files.cache.maxage: unknown key 'maxage'; did you mean 'maxAge'?",
                onlyProblem("      cache: { maxage: 1h }\n"));
    }

    @Test
    void gzipMinSizeTakesSizeUnits() {
        assertEquals("vhosts[0].files.gzip.minSize: expected a size like 512B, 16KiB, 1MiB or 1GiB, got 'lots'",
                onlyProblem("      gzip: { minSize: lots }\n"));
    }
}
