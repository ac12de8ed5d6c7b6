/**
 * Not part of Gatehouse's API: the {@code files} action, a local file server in lighttpd's manner; may change in any
 * release.
 * <p>
 * {@link io.gatehouse.internal.files.FileServer} is the entry type. It picks the document root from the request host
 * ({@link io.gatehouse.internal.files.EvhostPattern}, lighttpd's mod_evhost tokens, with a fallback root), refuses
 * denied suffixes, dot files and symbolic links by policy on the request path and again on the real path, opens the
 * file without following a link below the root (so a rename after the check cannot change what is sent), and serves
 * directories (index files, an optional listing) and regular files with content-based ETags, conditional requests,
 * a single byte range, precompressed siblings or on-the-fly gzip. Its refusals and failures (400, 403, 404, 405,
 * 500) go through the action's {@code errorPages} when one can be served; an unsatisfiable range gets a plain 416.
 * File I/O blocks, so the handler moves itself to a worker thread.
 */
package io.gatehouse.internal.files;
