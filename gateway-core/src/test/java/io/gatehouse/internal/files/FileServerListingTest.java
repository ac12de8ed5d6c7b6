package io.gatehouse.internal.files;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.gatehouse.testing.RawHttp;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import static io.gatehouse.internal.files.FileServerFixture.files;
import static io.gatehouse.internal.files.FileServerFixture.write;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Directory listings with sizes and dates, as HTML or, when the client prefers it, JSON. */
@Timeout(30)
class FileServerListingTest {

    private static final Instant MTIME = Instant.parse("2024-03-01T12:00:00Z");

    @TempDir
    Path root;
    private FileServerFixture server;

    @BeforeEach
    void start() throws IOException {
        write(root.resolve("d/b.txt"), "12345");
        write(root.resolve("d/a <&>.txt"), "1");
        write(root.resolve("d/zdir/x"), "x");
        write(root.resolve("d/.hidden"), "h");
        for (String name : List.of("d/b.txt", "d/a <&>.txt", "d/zdir")) {
            Files.setLastModifiedTime(root.resolve(name), FileTime.from(MTIME));
        }
        server = FileServerFixture.serving(files(root, f -> f.listing(true)));
    }

    @AfterEach
    void stop() {
        server.close();
    }

    @Test
    void htmlListingShowsSizesAndUtcDates() throws IOException {
        String html = server.get("/d/").bodyText();
        assertTrue(html.contains(">b.txt</a></td><td>2024-03-01 12:00:00</td><td>5</td>"), html);
        assertTrue(html.contains(">zdir/</a></td><td>2024-03-01 12:00:00</td><td>-</td>"), html);
    }

    @Test
    void htmlListingIsTheDefaultForBrowsers() throws IOException {
        RawHttp.Response response = server.get("/d/", "Accept: text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8");
        assertEquals("text/html; charset=utf-8", response.header("Content-Type"));
        assertEquals("Accept", response.header("Vary"));
    }

    @Test
    void jsonListingWhenTheClientAcceptsOnlyJson() throws IOException {
        RawHttp.Response response = server.get("/d/", "Accept: application/json");
        assertEquals(200, response.status());
        assertEquals("application/json; charset=utf-8", response.header("Content-Type"));
        assertEquals("Accept", response.header("Vary"));
        JsonNode entries = new ObjectMapper().readTree(response.bodyBytes());
        List<String> names = new ArrayList<>();
        entries.forEach(e -> names.add(e.get("name").asText()));
        assertEquals(List.of("zdir", "a <&>.txt", "b.txt"), names);
        JsonNode b = entries.get(2);
        assertEquals("file", b.get("type").asText());
        assertEquals(5, b.get("size").asLong());
        assertEquals("2024-03-01T12:00:00Z", b.get("modified").asText());
        assertEquals("directory", entries.get(0).get("type").asText());
    }

    @Test
    void jsonListingWhenJsonOutweighsHtml() throws IOException {
        assertEquals("application/json; charset=utf-8",
                server.get("/d/", "Accept: text/html;q=0.5, application/json").header("Content-Type"));
        assertEquals("text/html; charset=utf-8",
                server.get("/d/", "Accept: text/html, application/json;q=0.9").header("Content-Type"));
    }

    @Test
    void jsonListingHidesDotFilesLikeTheHtmlOne() throws IOException {
        String json = server.get("/d/", "Accept: application/json").bodyText();
        assertTrue(!json.contains(".hidden") && json.contains("b.txt"), json);
    }
}
