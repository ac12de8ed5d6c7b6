package io.gatehouse.internal.files;

import java.nio.file.Path;

/**
 * php-fpm on a Unix-domain socket, as Debian's nginx reaches it ({@code fastcgi_pass unix:/run/php/php8.2-fpm.sock}):
 * {@code fastcgi.backends: ["unix:/path"]}. Skipped when php-fpm8.2 is not installed.
 */
class PhpFpmOverUnixSocketTest extends PhpFpmScripts {

    @Override
    PhpFpm startPhpFpm(Path dir) throws Exception {
        return PhpFpm.onUnixSocket(dir, dir.resolve("php.sock"));
    }
}
