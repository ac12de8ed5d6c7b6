package io.gatehouse.internal.vhosts;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

class HostTableTest {

    private final HostTable<String> table = new HostTable<String>()
            .put("*", "catch-all")
            .put("*.example.com", "wildcard")
            .put("*.api.example.com", "longer-wildcard")
            .put("www.example.com", "exact");

    @Test
    void exactNameBeatsEveryWildcard() {
        assertEquals("exact", table.match("www.example.com"));
    }

    @Test
    void longestWildcardWins() {
        assertEquals("longer-wildcard", table.match("v1.api.example.com"));
        assertEquals("wildcard", table.match("shop.example.com"));
    }

    @Test
    void wildcardMatchesDeeperSubdomainsButNotTheBareSuffix() {
        assertEquals("wildcard", table.match("a.b.example.com"));
        assertEquals("catch-all", table.match("example.com"));
    }

    @Test
    void catchAllTakesWhatNothingElseMatches() {
        assertEquals("catch-all", table.match("other.org"));
        assertEquals("catch-all", table.match(""));
    }

    @Test
    void withoutCatchAllAnUnknownHostMatchesNothing() {
        HostTable<String> noCatchAll = new HostTable<String>().put("a.test", "a");
        assertNull(noCatchAll.match("b.test"));
    }
}
