package io.gatehouse.config;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertTrue;

/** A {@code files.fastcgi} block loaded from YAML in a one-vhost configuration, and a stand-in php-cgi program. */
final class FastCgiKeysFixture {

    private FastCgiKeysFixture() {
    }

    /** An executable file named {@code name} in {@code dir}: what {@code spawn.command} must name. */
    static Path executable(Path dir, String name) throws IOException {
        Path file = Files.writeString(dir.resolve(name), "#!/bin/sh\n");
        assertTrue(file.toFile().setExecutable(true));
        return file;
    }

    /** {@code fastcgi}, one line of YAML, as the files action of a vhost rooted at {@code dir}. */
    static FastCgiConfig load(Path dir, String fastcgi) throws IOException {
        Path yaml = Files.writeString(dir.resolve("gatehouse.yaml"), "listen: [\"127.0.0.1:0\"]\nvhosts:\n"
                + "  - hosts: [\"*\"]\n    files:\n      root: " + dir + "\n      " + fastcgi + "\n");
        return ((FilesConfig) GatewayConfig.load(yaml).vhosts().get(0).action()).fastcgi().orElseThrow();
    }
}
