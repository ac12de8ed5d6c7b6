package io.gatehouse.config;

import java.util.List;

/**
 * A route's {@code headers}: header changes a route makes: to the request before its action runs, and to the response when it is sent
 * (whoever produced it: a backend, the file server, or an error answer).
 *
 * @param request  applied to the request headers
 * @param response applied to the response headers just before the response head is written
 */
public record HeaderRules(Operations request, Operations response) {

    /** No changes. */
    public static final HeaderRules NONE = new HeaderRules(Operations.NONE, Operations.NONE);

    /** @return whether there is nothing to do */
    public boolean isEmpty() {
        return request.isEmpty() && response.isEmpty();
    }

    /**
     * Changes to one header map, applied in this order: {@code remove}, then {@code set} (replacing every value),
     * then {@code add} (one more value).
     *
     * @param set    headers given this one value
     * @param add    headers given one more value
     * @param remove header names removed
     */
    public record Operations(List<Header> set, List<Header> add, List<String> remove) {

        /** No changes. */
        public static final Operations NONE = new Operations(List.of(), List.of(), List.of());

        /**
         * Copies the lists.
         *
         * @param set    headers given this one value
         * @param add    headers given one more value
         * @param remove header names removed
         * @throws NullPointerException when a list is null
         */
        public Operations {
            set = List.copyOf(set);
            add = List.copyOf(add);
            remove = List.copyOf(remove);
        }

        /** @return whether there is nothing to do */
        public boolean isEmpty() {
            return set.isEmpty() && add.isEmpty() && remove.isEmpty();
        }
    }

    /**
     * One header: a name and a value template.
     *
     * @param name  the header name, as it is sent
     * @param value its value, with the route's captures and the request's variables (see {@link Template})
     */
    public record Header(String name, Template value) {
    }
}
