package io.gatehouse.internal.proxy;

import io.undertow.util.Headers;
import io.undertow.util.HttpString;
import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;

/**
 * The parsed head's fields, and what one backend connection's {@link ResponseHead.Recent} lets the next response
 * reuse. (What reaches the client through a real proxy is in {@link BackendResponseTest}.)
 */
class ResponseHeadTest {

    private static ResponseHead parse(String head, ResponseHead.Recent recent) throws ResponseHead.Malformed {
        return ResponseHead.parse(ByteBuffer.wrap(head.getBytes(StandardCharsets.ISO_8859_1)), recent);
    }

    @Test
    void aValueTheLastResponseSentAgainIsTheSameString() throws Exception {
        ResponseHead.Recent recent = new ResponseHead.Recent();
        String head = "HTTP/1.1 200 Fine\r\nETag: \"v1\"\r\nServer: nginx\r\n\r\n";
        ResponseHead first = parse(head, recent);
        ResponseHead second = parse(head, recent);
        assertSame(first.first(Headers.ETAG), second.first(Headers.ETAG));
        assertSame(first.first(Headers.SERVER), second.first(Headers.SERVER));
        assertSame(first.reason, second.reason);
    }

    @Test
    void aValueOneByteDifferentIsItsOwn() throws Exception {
        ResponseHead.Recent recent = new ResponseHead.Recent();
        parse("HTTP/1.1 200 OK\r\nETag: \"v1\"\r\n\r\n", recent);
        ResponseHead second = parse("HTTP/1.1 200 Ok\r\nETag: \"v2\"\r\n\r\n", recent);
        assertEquals("\"v2\"", second.first(Headers.ETAG));
        assertEquals("Ok", second.reason);
    }

    @Test
    void cookiesRedirectsAndChallengesAreNeverKept() throws Exception {
        ResponseHead.Recent recent = new ResponseHead.Recent();
        String head = "HTTP/1.1 302 Found\r\nSet-Cookie: session=abc\r\nLocation: /next?token=t\r\n"
                + "WWW-Authenticate: Basic realm=\"r\"\r\n\r\n";
        ResponseHead first = parse(head, recent);
        ResponseHead second = parse(head, recent);
        for (HttpString name : List.of(Headers.SET_COOKIE, Headers.LOCATION, Headers.WWW_AUTHENTICATE)) {
            assertEquals(first.first(name), second.first(name));
            assertNotSame(first.first(name), second.first(name), name.toString());
        }
    }

    @Test
    void manyFieldsKeepTheirOrder() throws Exception {
        StringBuilder head = new StringBuilder("HTTP/1.1 200 OK\r\n");
        for (int i = 0; i < 40; i++) {
            head.append(i % 2 == 0 ? "X-Even" : "X-Odd").append(": ").append(i).append("\r\n");
        }
        ResponseHead parsed = parse(head.append("\r\n").toString(), new ResponseHead.Recent());
        assertEquals(40, parsed.fields());
        for (int i = 0; i < 40; i++) {
            assertEquals(i % 2 == 0 ? "X-Even" : "X-Odd", parsed.name(i).toString());
            assertEquals(String.valueOf(i), parsed.value(i));
        }
        assertEquals(20, parsed.count(new HttpString("x-odd")));
    }

    @Test
    void everyConnectionFieldCounts() throws Exception {
        ResponseHead parsed = parse("HTTP/1.1 200 OK\r\nConnection: keep-alive, X-A\r\nContent-Length: 0\r\n"
                + "connection: close\r\n\r\n", new ResponseHead.Recent());
        assertEquals(List.of("keep-alive, X-A", "close"), parsed.connection());
        assertFalse(parsed.keepsConnectionOpen());
    }
}
