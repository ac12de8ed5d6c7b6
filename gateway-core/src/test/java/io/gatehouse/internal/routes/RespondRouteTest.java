package io.gatehouse.internal.routes;

import io.gatehouse.testing.RawHttp;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;

@Timeout(30)
class RespondRouteTest {

    @TempDir
    Path dir;

    private RoutedGateway respond(String respond) throws Exception {
        return RoutedGateway.start(dir, """
                vhosts:
                  - hosts: [example.com]
                    routes:
                      - match: '^/(\\w+)$'
                        respond: %s
                """.formatted(respond));
    }

    @Test
    void errorStatusWithoutBodyGetsTheGatewaysErrorAnswer() throws Exception {
        try (RoutedGateway gateway = respond("{ status: 403 }")) {
            RawHttp.Response response = gateway.get("/x");
            assertEquals(403, response.status());
            assertEquals("403 Forbidden\n", response.body());
            assertEquals("text/plain; charset=utf-8", response.header("Content-Type"));
        }
    }

    @Test
    void bodyIsSentAsPlainTextUnlessAContentTypeIsGiven() throws Exception {
        try (RoutedGateway gateway = respond("{ status: 200, body: 'hello' }")) {
            RawHttp.Response response = gateway.get("/x");
            assertEquals("hello", response.body());
            assertEquals("text/plain; charset=utf-8", response.header("Content-Type"));
        }
        try (RoutedGateway gateway = respond("{ status: 503, body: '{\"down\":true}', headers: { Content-Type: application/json } }")) {
            RawHttp.Response response = gateway.get("/x");
            assertEquals(503, response.status());
            assertEquals("{\"down\":true}", response.body());
            assertEquals("application/json", response.header("Content-Type"));
        }
    }

    @Test
    void headersMayUseCapturesAndVariables() throws Exception {
        try (RoutedGateway gateway = respond("{ status: 405, headers: { Allow: 'GET, HEAD', X-Seen: '$1 from ${client_ip}' } }")) {
            RawHttp.Response response = gateway.get("/thing");
            assertEquals(405, response.status());
            assertEquals("GET, HEAD", response.header("Allow"));
            assertEquals("thing from 127.0.0.1", response.header("X-Seen"));
        }
    }

    @Test
    void successWithoutBodyIsEmpty() throws Exception {
        try (RoutedGateway gateway = respond("{ status: 204 }")) {
            RawHttp.Response response = gateway.get("/x");
            assertEquals(204, response.status());
            assertEquals("", response.body());
        }
    }
}
