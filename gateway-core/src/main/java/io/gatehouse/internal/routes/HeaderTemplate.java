package io.gatehouse.internal.routes;

import io.gatehouse.config.HeaderRules;
import io.gatehouse.internal.config.ParsedTemplate;
import io.undertow.util.HttpString;

import java.util.List;

/**
 * A configured header, name and value template, parsed once when the route is built so that a request only fills
 * the value in.
 *
 * @param name  the header name
 * @param value its value template
 */
record HeaderTemplate(HttpString name, ParsedTemplate value) {

    static List<HeaderTemplate> of(List<HeaderRules.Header> headers) {
        return headers.stream().map(header -> new HeaderTemplate(new HttpString(header.name()), ParsedTemplate.of(header.value())))
                .toList();
    }

    /** The value with {@code values} substituted; never holds a character that could end the header. */
    String fill(RequestValues values) {
        return Substitution.header(value, values);
    }
}
