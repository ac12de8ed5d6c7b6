package io.gatehouse.internal.forwarded;

import io.gatehouse.config.ForwardedConfig;
import io.undertow.server.HttpServerExchange;
import io.undertow.util.AttachmentKey;
import io.undertow.util.HeaderValues;
import io.undertow.util.HttpString;

import java.util.concurrent.ThreadLocalRandom;

/**
 * The id of a request, shared by the access log, the backend ({@code X-Request-Id}) and, when configured, the client.
 *
 * <p>A trusted peer's {@code X-Request-Id} is kept when it is one line of 1 to {@value #MAX_LENGTH} characters from
 * {@code A-Z a-z 0-9 - _ . : + / = @ ~} (enough for UUIDs, hex, base64 and the ids load balancers send); otherwise —
 * an untrusted peer, no header, or one that is not sane — a new id is generated: 128 random bits as 32 lower-case hex
 * digits, nginx's {@code $request_id} format. The ids are for correlation, not secrets: they come from
 * {@link ThreadLocalRandom}, which is fast and unsynchronised.
 */
public final class RequestId {

    /** {@code X-Request-Id}: read from trusted peers, sent to the backend, and echoed to the client when asked. */
    public static final HttpString HEADER = new HttpString("X-Request-Id");
    static final int MAX_LENGTH = 200;

    private static final AttachmentKey<String> KEY = AttachmentKey.create(String.class);
    private static final char[] HEX = "0123456789abcdef".toCharArray();

    private RequestId() {
    }

    /**
     * The request's id, as {@link RequestOrigin} (or the proxy's forwarded headers) resolved it.
     *
     * @param exchange a request
     * @return its id, or {@code null} when nothing resolved one (a handler used outside the gateway)
     */
    public static String of(HttpServerExchange exchange) {
        return exchange.getAttachment(KEY);
    }

    /** Keeps or generates the id (see the class comment) and attaches it, unless that was done already. */
    static String resolve(HttpServerExchange exchange, ForwardedConfig trust) {
        String id = exchange.getAttachment(KEY);
        if (id == null) {
            id = ClientAddress.resolve(exchange, trust).peerTrusted() ? kept(exchange.getRequestHeaders().get(HEADER)) : null;
            if (id == null) {
                id = generate();
            }
            exchange.putAttachment(KEY, id);
        }
        return id;
    }

    private static String kept(HeaderValues values) {
        return values != null && values.size() == 1 && isSane(values.getFirst()) ? values.getFirst() : null;
    }

    static boolean isSane(String id) {
        if (id.isEmpty() || id.length() > MAX_LENGTH) {
            return false;
        }
        for (int i = 0; i < id.length(); i++) {
            char c = id.charAt(i);
            boolean alnum = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
            if (!alnum && "-_.:+/=@~".indexOf(c) < 0) {
                return false;
            }
        }
        return true;
    }

    static String generate() {
        ThreadLocalRandom random = ThreadLocalRandom.current();
        char[] id = new char[32];
        appendHex(id, 0, random.nextLong());
        appendHex(id, 16, random.nextLong());
        return new String(id);
    }

    private static void appendHex(char[] out, int at, long bits) {
        for (int i = 15; i >= 0; i--) {
            out[at + i] = HEX[(int) (bits & 0xf)];
            bits >>>= 4;
        }
    }
}
