package io.gatehouse.internal.files;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Token expansion, expected values as observed on lighttpd 1.4.69 with
 * {@code evhost.path-pattern = "/v/0=%0|1=%1|2=%2|3=%3|4=%4|5=%5|u=%_|p=%%|c=%{3.1}|d=%{0.2}/"}
 * (the server logs the expanded path when it does not exist; see src-docs/files.md).
 */
class EvhostPatternTest {

    private static final EvhostPattern ALL = EvhostPattern.parse("/v/0=%0|1=%1|2=%2|3=%3|4=%4|5=%5|u=%_|p=%%|c=%{3.1}|d=%{0.2}/");

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = ';', value = {
            "example.com;       /v/0=example.com|1=com|2=example|3=|4=|5=|u=example.com|p=%|c=|d=x/",
            "www.example.com;   /v/0=example.com|1=com|2=example|3=www|4=|5=|u=www.example.com|p=%|c=w|d=x/",
            "a.b.example.com;   /v/0=example.com|1=com|2=example|3=b|4=a|5=|u=a.b.example.com|p=%|c=b|d=x/",
            "x.a.b.example.com; /v/0=example.com|1=com|2=example|3=b|4=a|5=x|u=x.a.b.example.com|p=%|c=b|d=x/",
            "localhost;         /v/0=localhost|1=localhost|2=|3=|4=|5=|u=localhost|p=%|c=|d=o/",
            "127.0.0.1;         /v/0=0.1|1=1|2=0|3=0|4=127|5=|u=127.0.0.1|p=%|c=0|d=./",
    })
    void expandsLikeLighttpd(String host, String expected) {
        assertEquals(expected, ALL.expand(host));
    }

    @Test
    void ipv6LiteralFillsOnlyTheDomainTokenAndTheWholeHost() {
        // lighttpd 1.4.69 gives %_ = "[" here (it cuts at the first colon); Gatehouse gives the whole literal.
        assertEquals("/v/0=[::1]|1=|2=|3=|4=|5=|u=[::1]|p=%|c=|d=:/", ALL.expand("[::1]"));
    }

    @Test
    void seedPatternMapsBothNamesOfASiteToOneDirectory() {
        EvhostPattern seed = EvhostPattern.parse("/home/%0/public_html/");
        assertEquals("/home/example.com/public_html/", seed.expand("www.example.com"));
        assertEquals("/home/example.com/public_html/", seed.expand("example.com"));
    }

    @Test
    void characterBeyondTheTokenLengthExpandsToNothing() {
        assertEquals("/x//", EvhostPattern.parse("/x/%{3.5}/").expand("www.example.com"));
    }

    @Test
    void wholeTokenInBracesEqualsThePlainToken() {
        assertEquals("/www/www", EvhostPattern.parse("/%{3}/%{3.0}").expand("www.example.com"));
    }

    @Test
    void patternWithoutTokensDoesNotUseTheHost() {
        assertFalse(EvhostPattern.parse("/var/www/100%%").usesHost());
        assertEquals("/var/www/100%", EvhostPattern.parse("/var/www/100%%").expand("example.com"));
        assertTrue(EvhostPattern.parse("/home/%_").usesHost());
    }

    @ParameterizedTest
    @ValueSource(strings = {"/home/%", "/home/%a", "/home/%{a}", "/home/%{1.}", "/home/%{1.2", "/home/%{12}", "/home/%-"})
    void invalidTokensAreRejectedAsLighttpdRejectsThem(String pattern) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> EvhostPattern.parse(pattern));
        assertTrue(e.getMessage().contains(pattern), e.getMessage());
    }
}
