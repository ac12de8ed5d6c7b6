/**
 * FastCGI servers the gateway runs itself, as lighttpd's {@code bin-path} does: php-cgi processes started with a
 * handler tree, restarted when they die, stopped with it, never left behind ({@link
 * io.gatehouse.internal.spawn.PhpCgiProcesses}). Implementation, not API.
 */
package io.gatehouse.internal.spawn;
