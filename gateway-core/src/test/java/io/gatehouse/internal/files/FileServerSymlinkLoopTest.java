package io.gatehouse.internal.files;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

import static io.gatehouse.internal.files.FileServerFixture.files;
import static io.gatehouse.internal.files.FileServerFixture.write;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * A symbolic link that never ends (a loop) is a link the server cannot follow: 403 like any refused link, and
 * nothing an operator must act on, so no warning.
 */
@Timeout(30)
class FileServerSymlinkLoopTest {

    @TempDir
    Path root;
    private final Logger logger = Logger.getLogger(FileServer.class.getName());
    private final List<LogRecord> warnings = new CopyOnWriteArrayList<>();
    private final Handler capture = new Handler() {
        @Override
        public void publish(LogRecord record) {
            if (record.getLevel().intValue() >= Level.WARNING.intValue()) {
                warnings.add(record);
            }
        }

        @Override
        public void flush() {
        }

        @Override
        public void close() {
        }
    };

    @BeforeEach
    void loop() throws IOException {
        Files.createSymbolicLink(root.resolve("a"), root.resolve("b"));
        Files.createSymbolicLink(root.resolve("b"), root.resolve("a"));
        Files.createSymbolicLink(root.resolve("self"), root.resolve("self"));
        write(root.resolve("real.txt"), "real");
        logger.addHandler(capture);
    }

    @AfterEach
    void stopCapturing() {
        logger.removeHandler(capture);
    }

    @Test
    void aLinkLoopIsForbiddenWithoutAWarning() throws IOException {
        try (FileServerFixture server = FileServerFixture.serving(files(root, f -> { }))) {
            assertEquals(403, server.get("/a").status());
            assertEquals(403, server.get("/self").status());
        }
        assertEquals(List.of(), warnings.stream().map(LogRecord::getMessage).toList());
    }

    @Test
    void aLinkLoopAsADirectoryOnTheWayIsForbiddenWithoutAWarning() throws IOException {
        try (FileServerFixture server = FileServerFixture.serving(files(root, f -> { }))) {
            assertEquals(403, server.get("/a/real.txt").status());
        }
        assertEquals(List.of(), warnings.stream().map(LogRecord::getMessage).toList());
    }
}
