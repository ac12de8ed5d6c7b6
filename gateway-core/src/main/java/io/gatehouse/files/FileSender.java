package io.gatehouse.files;

import io.undertow.server.HttpServerExchange;
import io.undertow.util.DateUtils;
import io.undertow.util.ETag;
import io.undertow.util.ETagUtils;
import io.undertow.util.Headers;
import io.undertow.util.HeaderMap;
import io.undertow.util.Methods;
import io.undertow.util.StatusCodes;
import io.undertow.connector.PooledByteBuffer;
import org.xnio.IoUtils;
import org.xnio.channels.Channels;
import org.xnio.channels.StreamSinkChannel;

import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.Date;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Sends one regular file: validators (Last-Modified, strong ETag {@code "<mtime hex>-<size hex>"} as nginx),
 * conditional requests (412 for If-Match / If-Unmodified-Since, 304 for If-None-Match / If-Modified-Since),
 * a single byte range when allowed, and the body streamed from the file channel without buffering it whole.
 *
 * <p>Must run on a worker thread: it blocks on file I/O and on the response channel.
 */
final class FileSender {

    private static final Logger LOG = Logger.getLogger(FileSender.class.getName());

    private FileSender() {
    }

    /**
     * Answers with {@code file}. {@code ranges} false means Range is ignored and no Accept-Ranges is sent.
     *
     * @throws IOException when the file cannot be opened (the caller maps it to 403/404); failures after the
     *                     headers are sent are handled here by closing the connection
     */
    static void send(HttpServerExchange exchange, Path file, boolean ranges) throws IOException {
        FileChannel channel = FileChannel.open(file, StandardOpenOption.READ);
        try {
            BasicFileAttributes attributes = Files.readAttributes(file, BasicFileAttributes.class);
            long size = channel.size();
            long mtimeSeconds = attributes.lastModifiedTime().toMillis() / 1000;
            Date lastModified = new Date(mtimeSeconds * 1000);
            ETag etag = new ETag(false, Long.toHexString(mtimeSeconds) + "-" + Long.toHexString(size));

            HeaderMap headers = exchange.getResponseHeaders();
            headers.put(Headers.LAST_MODIFIED, DateUtils.toDateString(lastModified));
            headers.put(Headers.ETAG, etag.toString());
            if (ranges) {
                headers.put(Headers.ACCEPT_RANGES, "bytes");
            }
            if (!preconditionsPass(exchange, etag, lastModified)) {
                return;
            }
            ByteRange range = ranges ? requestedRange(exchange, etag, lastModified, size) : ByteRange.WHOLE;
            if (range instanceof ByteRange.Unsatisfiable) {
                headers.put(Headers.CONTENT_RANGE, "bytes */" + size);
                Responses.status(exchange, StatusCodes.REQUEST_RANGE_NOT_SATISFIABLE);
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
            headers.put(Headers.CONTENT_TYPE, MimeTypes.of(file.getFileName().toString()));
            headers.put(Headers.CONTENT_LENGTH, length);
            if (exchange.getRequestMethod().equals(Methods.HEAD)) {
                exchange.endExchange();
                return;
            }
            stream(exchange, channel, first, length);
        } finally {
            IoUtils.safeClose(channel);
        }
    }

    /** Evaluates the RFC 9110 section 13.2.2 preconditions; when one fails it has answered 412 or 304. */
    private static boolean preconditionsPass(HttpServerExchange exchange, ETag etag, Date lastModified) {
        HeaderMap request = exchange.getRequestHeaders();
        if (!ETagUtils.handleIfMatch(exchange, etag, false)
                || (!request.contains(Headers.IF_MATCH) && !DateUtils.handleIfUnmodifiedSince(exchange, lastModified))) {
            Responses.status(exchange, StatusCodes.PRECONDITION_FAILED);
            return false;
        }
        boolean modified = request.contains(Headers.IF_NONE_MATCH)
                ? ETagUtils.handleIfNoneMatch(exchange, etag, true)
                : DateUtils.handleIfModifiedSince(exchange, lastModified);
        if (!modified) {
            exchange.setStatusCode(StatusCodes.NOT_MODIFIED);
            exchange.endExchange();
            return false;
        }
        return true;
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
                    ? value.equals(etag.toString())
                    : lastModified.equals(DateUtils.parseDate(value));
            if (!current) {
                return ByteRange.WHOLE;
            }
        }
        return ByteRange.of(exchange.getRequestHeaders().getFirst(Headers.RANGE), size);
    }

    /**
     * Copies {@code length} bytes from {@code position} to the response, blocking this worker thread while the
     * client is slow. A file that shrinks underneath, or a client that goes away, ends the connection (the
     * response is already committed, so no status can be sent any more).
     */
    private static void stream(HttpServerExchange exchange, FileChannel file, long position, long length) {
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
            LOG.log(Level.FINE, () -> "file response to " + exchange.getSourceAddress() + " cut short: " + e);
            IoUtils.safeClose(exchange.getConnection());
        }
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
