package io.gatehouse.config;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** A {@link Template} is its source and use, and is checked however it is made. */
class TemplateValueTest {

    @Test
    void theConstructorRefusesWhatTheConfigurationRefusesWithTheSameMessage() {
        assertEquals("'/${uri}': unknown substitution '${uri}'; valid: $0 to $9, ${client_ip}, ${host}, ${scheme}, "
                        + "${request_id}, %{QUERY}, and $$ for a literal $",
                assertThrows(IllegalArgumentException.class, () -> new Template("/${uri}", Template.Use.TARGET)).getMessage());
    }

    @Test
    void parseIsTheConstructor() {
        assertEquals(new Template("/new/$1", Template.Use.PATH), Template.parse("/new/$1", Template.Use.PATH));
    }

    @Test
    void theSameSourceForAnotherUseIsAnotherTemplate() {
        assertNotEquals(Template.parse("/a", Template.Use.PATH), Template.parse("/a", Template.Use.TARGET));
    }

    @Test
    void aTemplateReadsAsItsSource() {
        assertEquals("https://${host}/$1", Template.parse("https://${host}/$1", Template.Use.TARGET).toString());
    }
}
