package io.gatehouse.config;

import java.util.Optional;

/**
 * A route condition on a request header: the header is present and, when {@code matches} is given, one of its
 * values contains a match of it (a regex search, like Apache's {@code RewriteCond}; anchor it with ^ and $).
 *
 * @param name    the header name, compared case-insensitively
 * @param matches a regex searched in each value; empty: presence is enough
 */
public record HeaderCondition(String name, Optional<Regex> matches) {
}
