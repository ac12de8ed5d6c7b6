package io.gatehouse.internal.files;

import io.gatehouse.internal.http.ErrorResponses;
import io.undertow.connector.PooledByteBuffer;
import io.undertow.server.HttpServerExchange;
import io.undertow.util.DateUtils;
import io.undertow.util.ETag;
import io.undertow.util.ETagUtils;
import io.undertow.util.HeaderMap;
import io.undertow.util.Headers;
import io.undertow.util.HttpString;
import io.undertow.util.Methods;
import io.undertow.util.StatusCodes;
import org.xnio.IoUtils;
import org.xnio.channels.Channels;
import org.xnio.channels.StreamSinkChannel;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.Date;
import java.util.List;
import java.util.zip.GZIPOutputStream;

/**
 * Sends one regular file as one representation: validators (Last-Modified, ETag from {@link ContentHashes}),
 * conditional requests in RFC 9110 section 13.2.2 order, a single byte range when allowed, and the body streamed
 * from the file channel (zero-copy after the first chunk) or through a streaming gzip encoder, never buffered
 * whole.
 *
 * <p>Must run on a worker thread: it blocks on file I/O and on the response channel.
 */
final class FileSender {

    private static final Logger LOG = System.getLogger(FileSender.class.getName());
    /**
     * Browsers must take the Content-Type as sent: a tenant's upload named {@code .txt} is not run as a script or
     * a style sheet because its bytes look like one.
     */
    static final HttpString NO_SNIFF = HttpString.tryFromString("X-Content-Type-Options");

    /**
     * How to send a file.
     *
     * @param contentType     the Content-Type (of the original file, also for a compressed sibling)
     * @param contentEncoding {@code br} / {@code gzip} when the file itself is a precompressed sibling, else null
     * @param gzip            compress on the fly: no Content-Length, no ranges, a weak ETag of its own
     * @param ranges          whether Range is honoured and {@code Accept-Ranges: bytes} sent
     * @param cacheControl    the Cache-Control of 200, 206 and 304 answers, or null for none
     */
    record Delivery(String contentType, String contentEncoding, boolean gzip, boolean ranges, String cacheControl) {
    }

    private FileSender() {
    }

    /**
     * Answers with {@code file}, which it closes.
     *
     * @throws IOException when the file cannot be read before anything was sent (the caller maps it to
     *                     403/404/500); failures after the headers are sent are handled here by closing the connection
     */
    static void send(HttpServerExchange exchange, OpenedFile file, Delivery delivery, ContentHashes hashes)
            throws IOException {
        try (file) {
            FileChannel channel = file.channel();
            BasicFileAttributes attributes = file.attributes();
            long size = channel.size();
            Date lastModified = new Date(attributes.lastModifiedTime().toMillis() / 1000 * 1000);
            ETag identity = hashes.etag(file.path(), channel, attributes);
            ETag etag = delivery.gzip() ? new ETag(true, identity.getTag() + "-gzip") : identity;
            boolean ranges = delivery.ranges() && !delivery.gzip();

            HeaderMap headers = exchange.getResponseHeaders();
            headers.put(NO_SNIFF, "nosniff");
            headers.put(Headers.LAST_MODIFIED, DateUtils.toDateString(lastModified));
            headers.put(Headers.ETAG, etag.toString());
            if (ranges) {
                headers.put(Headers.ACCEPT_RANGES, "bytes");
            }
            if (delivery.cacheControl() != null) {
                headers.put(Headers.CACHE_CONTROL, delivery.cacheControl());
            }
            int failed = failedPrecondition(exchange, etag, lastModified);
            if (failed == StatusCodes.NOT_MODIFIED) {
                exchange.setStatusCode(StatusCodes.NOT_MODIFIED);
                exchange.endExchange();
                return;
            }
            if (failed != 0) {
                headers.remove(Headers.CACHE_CONTROL);
                ErrorResponses.send(exchange, failed);
                return;
            }
            ByteRange range = ranges ? requestedRange(exchange, etag, lastModified, size) : ByteRange.WHOLE;
            if (range instanceof ByteRange.Unsatisfiable) {
                headers.remove(Headers.CACHE_CONTROL);
                headers.put(Headers.CONTENT_RANGE, "bytes */" + size);
                ErrorResponses.send(exchange, StatusCodes.REQUEST_RANGE_NOT_SATISFIABLE);
                return;
            }
            headers.put(Headers.CONTENT_TYPE, delivery.contentType());
            if (delivery.contentEncoding() != null || delivery.gzip()) {
                headers.put(Headers.CONTENT_ENCODING, delivery.gzip() ? "gzip" : delivery.contentEncoding());
            }
            if (delivery.gzip()) {
                if (!exchange.getRequestMethod().equals(Methods.HEAD)) {
                    gzip(exchange, channel);
                }
                return;
            }
            long first = 0;
            long length = size;
            if (range instanceof ByteRange.Part part) {
                first = part.first();
                length = part.length();
                exchange.setStatusCode(StatusCodes.PARTIAL_CONTENT);
                headers.put(Headers.CONTENT_RANGE, "bytes " + part.first() + "-" + part.last() + "/" + size);
            }
            body(exchange, channel, first, length);
        }
    }

    /**
     * Answers {@code status} with the whole of {@code file} (which it closes) as the body and no validators (a
     * custom error page).
     *
     * @throws IOException when the file's size cannot be read; nothing was sent then
     */
    static void sendPage(HttpServerExchange exchange, OpenedFile file, String contentType, int status)
            throws IOException {
        try (file) {
            exchange.setStatusCode(status);
            if (!exchange.isRequestComplete()) {
                exchange.setPersistent(false);
            }
            exchange.getResponseHeaders().put(Headers.CONTENT_TYPE, contentType).put(NO_SNIFF, "nosniff");
            body(exchange, file.channel(), 0, file.channel().size());
        }
    }

    /**
     * 0 when the request's preconditions hold, else the answer: 412 for a failed If-Match (strong comparison) or,
     * without If-Match, a failed If-Unmodified-Since; 304 for a matching If-None-Match (weak comparison) or,
     * without If-None-Match, an If-Modified-Since the file is not newer than. Invalid dates are ignored
     * (RFC 9110 section 13.2.2).
     */
    private static int failedPrecondition(HttpServerExchange exchange, ETag etag, Date lastModified) {
        HeaderMap request = exchange.getRequestHeaders();
        String ifMatch = joined(request.get(Headers.IF_MATCH));
        if (ifMatch != null) {
            if (!ETagUtils.handleIfMatch(ifMatch, etag, false)) {
                return StatusCodes.PRECONDITION_FAILED;
            }
        } else {
            Date since = date(request.getFirst(Headers.IF_UNMODIFIED_SINCE));
            if (since != null && lastModified.after(since)) {
                return StatusCodes.PRECONDITION_FAILED;
            }
        }
        HttpString method = exchange.getRequestMethod();
        String ifNoneMatch = joined(request.get(Headers.IF_NONE_MATCH));
        if (ifNoneMatch != null) {
            if (ifNoneMatch.strip().equals("*") || !ETagUtils.handleIfNoneMatch(ifNoneMatch, etag, true)) {
                return method.equals(Methods.GET) || method.equals(Methods.HEAD)
                        ? StatusCodes.NOT_MODIFIED : StatusCodes.PRECONDITION_FAILED;
            }
        } else if (method.equals(Methods.GET) || method.equals(Methods.HEAD)) {
            Date since = date(request.getFirst(Headers.IF_MODIFIED_SINCE));
            if (since != null && !lastModified.after(since)) {
                return StatusCodes.NOT_MODIFIED;
            }
        }
        return 0;
    }

    /** An HTTP date, or null when absent or invalid. */
    private static Date date(String value) {
        return value == null ? null : DateUtils.parseDate(value);
    }

    /** Several header lines are one comma-separated list (RFC 9110 section 5.3). */
    private static String joined(List<String> values) {
        return values == null || values.isEmpty() ? null : String.join(", ", values);
    }

    /** The range to serve for a GET; If-Range that does not match the current validators means the whole file. */
    private static ByteRange requestedRange(HttpServerExchange exchange, ETag etag, Date lastModified, long size) {
        if (!exchange.getRequestMethod().equals(Methods.GET)) {
            return ByteRange.WHOLE;
        }
        String ifRange = exchange.getRequestHeaders().getFirst(Headers.IF_RANGE);
        if (ifRange != null) {
            String value = ifRange.strip();
            boolean current = value.startsWith("\"")
                    ? !etag.isWeak() && value.equals(etag.toString())
                    : lastModified.equals(DateUtils.parseDate(value));
            if (!current) {
                return ByteRange.WHOLE;
            }
        }
        return ByteRange.of(exchange.getRequestHeaders().getFirst(Headers.RANGE), size);
    }

    /** Content-Length, then for GET {@code length} bytes from {@code position}; HEAD ends after the headers. */
    private static void body(HttpServerExchange exchange, FileChannel file, long position, long length) {
        exchange.getResponseHeaders().put(Headers.CONTENT_LENGTH, length);
        if (exchange.getRequestMethod().equals(Methods.HEAD)) {
            exchange.endExchange();
            return;
        }
        StreamSinkChannel response = exchange.getResponseChannel();
        try {
            long end = position + length;
            position += writeFirstChunk(exchange, response, file, position, length);
            while (position < end) {
                long sent = response.transferFrom(file, position, end - position);
                if (sent > 0) {
                    position += sent;
                } else if (position >= file.size()) {
                    throw new EOFException("file shrank while being sent");
                } else {
                    response.awaitWritable();
                }
            }
            response.shutdownWrites();
            Channels.flushBlocking(response);
            exchange.endExchange();
        } catch (IOException e) {
            cutShort(exchange, e);
        }
    }

    /**
     * Compresses the file into the response as it is read, in chunked encoding: memory use is the encoder's
     * window and two small buffers, whatever the file size.
     */
    private static void gzip(HttpServerExchange exchange, FileChannel file) {
        exchange.startBlocking();
        try (InputStream in = java.nio.channels.Channels.newInputStream(file.position(0));
             OutputStream out = new GZIPOutputStream(exchange.getOutputStream(), 16 * 1024)) {
            in.transferTo(out);
        } catch (IOException e) {
            cutShort(exchange, e);
            return;
        }
        exchange.endExchange();
    }

    /** The response is committed, so no status can be sent any more: the connection is ended instead. */
    private static void cutShort(HttpServerExchange exchange, IOException e) {
        if (LOG.isLoggable(Level.DEBUG)) {
            LOG.log(Level.DEBUG, "file response to " + exchange.getSourceAddress() + " cut short: " + e);
        }
        IoUtils.safeClose(exchange.getConnection());
    }

    /**
     * Writes the start of the body through a pooled buffer, which also puts the response head on the wire. Until
     * the head is written, Undertow's transferFrom reads from the file channel's own position and ignores the
     * position and count it is given, which would send the wrong bytes for a range; afterwards the zero-copy
     * transfer honours them.
     */
    private static long writeFirstChunk(HttpServerExchange exchange, StreamSinkChannel response, FileChannel file,
                                        long position, long length) throws IOException {
        try (PooledByteBuffer pooled = exchange.getConnection().getByteBufferPool().allocate()) {
            ByteBuffer buffer = pooled.getBuffer();
            buffer.clear();
            buffer.limit((int) Math.min(buffer.capacity(), length));
            while (buffer.hasRemaining()) {
                if (file.read(buffer, position + buffer.position()) < 0) {
                    throw new EOFException("file shrank while being sent");
                }
            }
            buffer.flip();
            Channels.writeBlocking(response, buffer);
            return buffer.limit();
        }
    }
}
