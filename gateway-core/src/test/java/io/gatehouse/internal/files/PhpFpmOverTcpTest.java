package io.gatehouse.internal.files;

import io.gatehouse.testing.UnusedPort;

import java.nio.file.Path;

/** php-fpm on a loopback port ({@code listen = 127.0.0.1:9000}). Skipped when php-fpm8.2 is not installed. */
class PhpFpmOverTcpTest extends PhpFpmScripts {

    @Override
    PhpFpm startPhpFpm(Path dir) throws Exception {
        return PhpFpm.onPort(dir, UnusedPort.next());
    }
}
