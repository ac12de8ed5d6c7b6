package io.gatehouse.config;

import java.util.List;

/**
 * Header changes a route makes: to the request before its action runs, and to the response when it is sent
 * (whoever produced it: a backend, the file server, or an error answer).
 *
 * @param request  applied to the request headers
 * @param response applied to the response headers just before the response head is written
 */
public record HeaderRules(Operations request, Operations response) {

    public static final HeaderRules NONE = new HeaderRules(Operations.NONE, Operations.NONE);

    /** Whether there is nothing to do. */
    public boolean isEmpty() {
        return request.isEmpty() && response.isEmpty();
    }

    /**
     * Changes to one header map, applied in this order: {@code remove}, then {@code set} (replacing every value),
     * then {@code add} (one more value).
     */
    public record Operations(List<Header> set, List<Header> add, List<String> remove) {

        public static final Operations NONE = new Operations(List.of(), List.of(), List.of());

        public Operations {
            set = List.copyOf(set);
            add = List.copyOf(add);
            remove = List.copyOf(remove);
        }

        public boolean isEmpty() {
            return set.isEmpty() && add.isEmpty() && remove.isEmpty();
        }
    }

    /** One header: a name and a value template (variables and captures; see {@link Template}). */
    public record Header(String name, Template value) {
    }
}
