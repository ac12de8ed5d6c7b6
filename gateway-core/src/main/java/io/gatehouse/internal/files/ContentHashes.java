package io.gatehouse.internal.files;

import io.undertow.util.ETag;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Strong ETags that follow the content, not the modification time: a file touched without a change keeps its
 * ETag, so caches keep revalidating with 304 after a deploy that rewrites identical files.
 *
 * <p>Files up to {@link #HASH_LIMIT} bytes get the first 128 bits of their SHA-256, computed once and kept in a
 * bounded LRU cache keyed by (path, file key (inode), size, modification time): any change to the file changes
 * the key, so a stale hash is never served. Larger files get nginx's {@code "<mtime hex>-<size hex>"} instead,
 * still strong so that {@code If-Range} keeps working for resumed downloads of big files, which are the ones that
 * get resumed; hashing them would make the first request read gigabytes before sending a byte.
 *
 * <p>Hashing blocks the calling thread (a worker, never an I/O thread). Thread-safe.
 */
final class ContentHashes {

    /** Files above this size are not hashed. */
    static final long HASH_LIMIT = 8L * 1024 * 1024;

    private record Key(Path path, Object fileKey, long size, FileTime modified) {
    }

    private final Map<Key, String> cache;

    /** @param capacity how many hashes are kept; the least recently used one goes first */
    ContentHashes(int capacity) {
        this.cache = new LinkedHashMap<>(64, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<Key, String> eldest) {
                return size() > capacity;
            }
        };
    }

    /**
     * The strong ETag of {@code file}, read through {@code channel} when it has to be hashed.
     *
     * @param attributes read before {@code channel} was hashed; when the file changes while it is being hashed
     *                   the hash is used for this answer only and not cached
     */
    ETag etag(Path file, FileChannel channel, BasicFileAttributes attributes) throws IOException {
        long size = attributes.size();
        if (size > HASH_LIMIT) {
            return new ETag(false, Long.toHexString(attributes.lastModifiedTime().toMillis() / 1000) + "-"
                    + Long.toHexString(size));
        }
        Key key = new Key(file, attributes.fileKey(), size, attributes.lastModifiedTime());
        String hash;
        synchronized (cache) {
            hash = cache.get(key);
        }
        if (hash == null) {
            hash = sha256(channel, size);
            if (channel.size() == size) {
                synchronized (cache) {
                    cache.put(key, hash);
                }
            }
        }
        return new ETag(false, hash);
    }

    private static String sha256(FileChannel channel, long size) throws IOException {
        MessageDigest digest;
        try {
            digest = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java runtime has SHA-256", e);
        }
        ByteBuffer buffer = ByteBuffer.allocate((int) Math.min(64 * 1024, Math.max(size, 1)));
        long position = 0;
        for (int read; (read = channel.read(buffer, position)) > 0; position += read) {
            buffer.flip();
            digest.update(buffer);
            buffer.clear();
        }
        byte[] hash = digest.digest();
        return Base64.getUrlEncoder().withoutPadding().encodeToString(java.util.Arrays.copyOf(hash, 16));
    }
}
