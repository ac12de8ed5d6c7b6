package io.gatehouse.internal.vhosts;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

class HostNamesTest {

    @ParameterizedTest
    @CsvSource({
            "Example.COM, example.com",
            "example.com:8080, example.com",
            "example.com., example.com",
            "www.example.com.:80, www.example.com",
            "127.0.0.1:80, 127.0.0.1",
            "[::1]:8080, [::1]",
            "under_score.test, under_score.test"})
    void normalisesCasePortAndTrailingDot(String header, String expected) {
        assertEquals(expected, HostNames.normalise(header));
    }

    @ParameterizedTest
    @ValueSource(strings = {"", ".", "..", "a..b", "../etc", "%2e%2e", "a/b", "a\\b", "a b", "a\tb",
            "example.com:", "example.com:0", "example.com:65536", "example.com:8x", "example.com:123456",
            "[::1", "[zz::1]", "[::1]x", "ex\u0000ample.com", "user@example.com", "exämple.com"})
    void rejectsWhatIsNotAHostName(String header) {
        assertNull(HostNames.normalise(header));
    }
}
