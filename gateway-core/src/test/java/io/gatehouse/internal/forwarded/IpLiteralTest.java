package io.gatehouse.internal.forwarded;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.net.InetAddress;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** Addresses are written as nginx's $remote_addr and Apache's %h write them: RFC 5952 for IPv6. */
class IpLiteralTest {

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(delimiter = '|', textBlock = """
            192.0.2.1                                | 192.0.2.1
            0:0:0:0:0:0:0:1                          | ::1
            0:0:0:0:0:0:0:0                          | ::
            2001:DB8:0:0:0:0:0:1                     | 2001:db8::1
            2001:db8:0:0:1:0:0:1                     | 2001:db8::1:0:0:1
            2001:db8:0:1:1:1:1:1                     | 2001:db8:0:1:1:1:1:1
            2001:db8:00ff:0:0:0:0:0                  | 2001:db8:ff::
            fe80:0:0:0:0:0:0:1                       | fe80::1
            """)
    void addressesAreFormattedTheShortestWay(String address, String formatted) throws Exception {
        assertEquals(formatted, IpLiteral.format(InetAddress.getByName(address)));
    }
}
