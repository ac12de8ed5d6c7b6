package io.gatehouse.internal.guard;

import io.gatehouse.internal.observe.RepeatedEvents;
import io.gatehouse.testing.RawHttp;
import io.undertow.Undertow;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.net.InetSocketAddress;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

@Timeout(30)
class GuardFailsClosedTest {

    @Test
    void requestOnAConnectionWithoutItsFramingConduitIsAnswered500AndNeverServed() throws Exception {
        AtomicInteger served = new AtomicInteger();
        RepeatedEvents refusals = FrontDoor.refusalLog(RepeatedEvents.DEFAULT_INTERVAL);
        // A plain Undertow listener: no framing conduit under its connections, as if something hid it.
        Undertow server = Undertow.builder().addHttpListener(0, "127.0.0.1")
                .setHandler(FrontDoor.guard(exchange -> served.incrementAndGet(), refusals)).build();
        server.start();
        try {
            InetSocketAddress address = (InetSocketAddress) server.getListenerInfo().get(0).getAddress();
            RawHttp.Response response = RawHttp.exchange(address, "GET / HTTP/1.1\r\nHost: a\r\n\r\n");

            assertEquals(500, response.status(), response.head());
            assertTrue(response.closed(), "connection left open");
            assertEquals(0, served.get());
        } finally {
            server.stop();
            refusals.close();
        }
    }
}
