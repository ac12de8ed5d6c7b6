package io.gatehouse.internal.routes;

import io.gatehouse.testing.RawHttp;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;

@Timeout(30)
class RedirectRouteTest {

    @TempDir
    Path dir;

    private RoutedGateway redirect(String redirect) throws Exception {
        return RoutedGateway.start(dir, """
                vhosts:
                  - hosts: [example.com]
                    routes:
                      - match: '^/blog/(\\d+)/(.*)$'
                        redirect: %s
                """.formatted(redirect));
    }

    @ParameterizedTest
    @ValueSource(ints = {301, 302, 303, 307, 308})
    void answersWithTheConfiguredStatusAndTheCapturesInLocation(int status) throws Exception {
        try (RoutedGateway gateway = redirect("{ to: '/posts/$1/$2', status: " + status + " }")) {
            RawHttp.Response response = gateway.get("/blog/7/hello-world");
            assertEquals(status, response.status());
            assertEquals("/posts/7/hello-world", response.header("Location"));
            assertEquals("", response.body());
        }
    }

    @Test
    void statusDefaultsTo302() throws Exception {
        try (RoutedGateway gateway = redirect("{ to: '/posts/$1' }")) {
            assertEquals(302, gateway.get("/blog/7/x").status());
        }
    }

    @Test
    void requestQueryIsKeptWhenTheTargetHasNone() throws Exception {
        try (RoutedGateway gateway = redirect("{ to: '/posts/$1' }")) {
            assertEquals("/posts/7?a=1&b=%20", gateway.get("/blog/7/x?a=1&b=%20").header("Location"));
        }
    }

    @Test
    void targetQueryReplacesTheRequestQuery() throws Exception {
        try (RoutedGateway gateway = redirect("{ to: '/posts?id=$1' }")) {
            assertEquals("/posts?id=7", gateway.get("/blog/7/x?a=1").header("Location"));
        }
    }

    @Test
    void queryPlaceholderCarriesTheRequestQueryIntoTheTargetQuery() throws Exception {
        try (RoutedGateway gateway = redirect("{ to: '/posts?id=$1&%{QUERY}' }")) {
            assertEquals("/posts?id=7&a=1", gateway.get("/blog/7/x?a=1").header("Location"));
        }
    }

    @Test
    void aBareQuestionMarkDropsTheQuery() throws Exception {
        try (RoutedGateway gateway = redirect("{ to: '/posts/$1?' }")) {
            assertEquals("/posts/7", gateway.get("/blog/7/x?a=1").header("Location"));
        }
    }

    @Test
    void absoluteTargetWithTheRequestHost() throws Exception {
        try (RoutedGateway gateway = redirect("{ to: 'https://${host}/posts/$1', status: 301 }")) {
            assertEquals("https://example.com/posts/7", gateway.get("/blog/7/x").header("Location"));
        }
    }

    @Test
    void httpsRedirectOfEveryPathKeepsPathAndQuery() throws Exception {
        try (RoutedGateway gateway = RoutedGateway.start(dir, """
                vhosts:
                  - hosts: [example.com]
                    routes:
                      - match: '^/(.*)$'
                        redirect: { to: 'https://${host}/$1', status: 301 }
                """)) {
            assertEquals("https://example.com/", gateway.get("/").header("Location"));
            assertEquals("https://example.com/a/b?x=1", gateway.get("/a/b?x=1").header("Location"));
        }
    }

    @Test
    void nonAsciiCapturesArePercentEncodedAsUtf8() throws Exception {
        try (RoutedGateway gateway = redirect("{ to: '/posts/$2' }")) {
            assertEquals("/posts/caf%C3%A9%20au%20lait", gateway.get("/blog/1/caf%C3%A9%20au%20lait").header("Location"));
        }
    }

    @Test
    void redirectWithAnUnreadBodyClosesTheConnection() throws Exception {
        try (RoutedGateway gateway = redirect("{ to: '/posts/$1' }")) {
            RawHttp.Response response = gateway.send("POST /blog/7/x HTTP/1.1\r\nHost: example.com\r\nContent-Length: 5\r\n\r\n");
            assertEquals(302, response.status());
            assertEquals(true, response.closed());
        }
    }
}
