package io.gatehouse.internal.forwarded;

import io.gatehouse.config.Cidr;
import io.gatehouse.config.ForwardedConfig;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.net.InetAddress;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The walk on its own: the same table as src-docs/forwarded.md. The peer is 127.0.0.1; trusted are 127.0.0.1,
 * 10.0.0.0/8 and 2001:db8::/32. (End-to-end tests of the same walk through a gateway are in {@link ClientIpTest}.)
 */
class XForwardedForWalkTest {

    private static final ForwardedConfig TRUST = new ForwardedConfig(
            List.of(Cidr.parse("127.0.0.1/32"), Cidr.parse("10.0.0.0/8"), Cidr.parse("2001:db8::/32")));

    @ParameterizedTest(name = "[{0}] -> {1}")
    @CsvSource(delimiter = '|', quoteCharacter = '\'', textBlock = """
            203.0.113.7                                 | 203.0.113.7
            203.0.113.7, 10.0.0.2                       | 203.0.113.7
            198.51.100.1, 203.0.113.7, 10.0.0.2         | 203.0.113.7
            10.0.0.3, 10.0.0.2                          | 10.0.0.3
            unknown, 10.0.0.2                           | 10.0.0.2
            203.0.113.7, unknown                        | 127.0.0.1
            203.0.113.7, , 10.0.0.2                     | 203.0.113.7
            '203.0.113.7,'                              | 203.0.113.7
            203.0.113.7:51234                           | 203.0.113.7
            [2001:db9::7]:443                           | 2001:db9::7
            [2001:db9::7]                               | 2001:db9::7
            2001:db9::7                                 | 2001:db9::7
            2001:db9::7, 2001:db8::1                    | 2001:db9::7
            ::ffff:203.0.113.7                          | 203.0.113.7
            fe80::1%eth0                                | 127.0.0.1
            example.com                                 | 127.0.0.1
            _hidden                                     | 127.0.0.1
            010.0.0.1                                   | 127.0.0.1
            256.1.1.1                                   | 127.0.0.1
            1.2.3                                       | 127.0.0.1
            203.0.113.7:99999                           | 127.0.0.1
            203.0.113.7:                                | 127.0.0.1
            [2001:db9::7                                | 127.0.0.1
            203.0.113.7 198.51.100.1                    | 127.0.0.1
            1.2.3.4%0d%0aInjected: yes                  | 127.0.0.1
            198.51.100.1, 10.0.0.2:8080, 10.0.0.3       | 198.51.100.1
            """)
    void walkFindsTheRightMostUntrustedAddress(String chain, String client) throws Exception {
        InetAddress peer = InetAddress.getByName("127.0.0.1");
        assertEquals(InetAddress.getByName(client), XForwardedFor.walk(chain, peer, TRUST));
    }

    @org.junit.jupiter.api.Test
    void withoutAChainTheTrustedPeerIsTheClient() throws Exception {
        InetAddress peer = InetAddress.getByName("127.0.0.1");
        assertEquals(peer, XForwardedFor.walk(null, peer, TRUST));
    }
}
