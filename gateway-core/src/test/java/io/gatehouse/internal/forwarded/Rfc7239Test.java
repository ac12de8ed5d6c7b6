package io.gatehouse.internal.forwarded;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.net.InetAddress;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

/** Reading a trusted peer's Forwarded header and writing Gatehouse's own element. */
class Rfc7239Test {

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', quoteCharacter = '\'', textBlock = """
            for=192.0.2.43                                      | for=192.0.2.43
            'for="[2001:db8:cafe::17]:4711"'                    | 'for="[2001:db8:cafe::17]:4711"'
            'for="_gazonk"'                                     | for=_gazonk
            for=_hidden, for=unknown                            | for=_hidden, for=unknown
            'for="192.0.2.43:_port";by=_proxy-1'                | 'for="192.0.2.43:_port";by=_proxy-1'
            For=192.0.2.60;Proto=http;By=203.0.113.43           | for=192.0.2.60;proto=http;by=203.0.113.43
            'for=192.0.2.43; proto=https ,  for=198.51.100.17'  | for=192.0.2.43;proto=https, for=198.51.100.17
            'for=192.0.2.43,,for=198.51.100.17'                 | for=192.0.2.43, for=198.51.100.17
            'host="example.com:8080";for=192.0.2.43'            | 'host="example.com:8080";for=192.0.2.43'
            'secret="a\\"b, c";for=192.0.2.43'                  | 'secret="a\\"b, c";for=192.0.2.43'
            """)
    void wellFormedElementsAreReadAndWrittenCanonically(String received, String written) {
        assertEquals(written, Rfc7239.normalised(received));
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {
            "for=2001:db8::1",                  // IPv6 must be bracketed and quoted
            "for=\"2001:db8::1\"",              // ... bracketed
            "for=example.com",                  // a name is not a node
            "for=_",                            // an obfuscated id needs a character after the underscore
            "for=\"192.0.2.43:99999x\"",        // a port is digits or an obfuscated id
            "for=192.0.2.43;for=192.0.2.44",    // a parameter may appear once per element
            "for=\"192.0.2.43",                 // unterminated quoted-string
            "for=192.0.2.43 proto=http",        // pairs are separated by semicolons
            "for",                              // a pair needs a value
            "=192.0.2.43",                      // ... and a name
            "proto=\"ht tp\"",                  // proto is a URI scheme
            "for=192.0.2.43\u0000",             // control characters are never read
            "secret=\"a\\\r\nInjected: yes\""   // not even escaped inside a quoted-string
    })
    void malformedHeadersAreRefusedWhole(String received) {
        assertNull(Rfc7239.normalised(received));
    }

    @Test
    void ipv6ForIsBracketedAndQuoted() throws Exception {
        assertEquals("for=\"[2001:db8::1]\";host=a.example;proto=http",
                Rfc7239.element(InetAddress.getByName("2001:db8:0:0:0:0:0:1"), "a.example", "http"));
    }

    @Test
    void hostWithAPortIsQuotedAndIpv4ForIsNot() throws Exception {
        assertEquals("for=192.0.2.1;host=\"a.example:8080\";proto=https",
                Rfc7239.element(InetAddress.getByName("192.0.2.1"), "a.example:8080", "https"));
    }

    @Test
    void missingHostIsLeftOutAndMissingPeerIsUnknown() {
        assertEquals("for=unknown;proto=http", Rfc7239.element(null, null, "http"));
    }
}
