package io.gatehouse.internal.routes;

import io.gatehouse.config.Action;
import io.gatehouse.config.EchoConfig;
import io.gatehouse.config.FilesConfig;
import io.gatehouse.config.ProxyConfig;
import io.gatehouse.config.RedirectConfig;
import io.gatehouse.config.RespondConfig;
import io.gatehouse.config.RewriteConfig;
import io.gatehouse.config.Route;
import io.gatehouse.internal.config.ParsedTemplate;
import io.gatehouse.internal.http.ProxyTarget;
import io.gatehouse.internal.vhosts.ServedBy;
import io.undertow.server.HttpHandler;
import io.undertow.server.HttpServerExchange;
import io.undertow.util.HeaderValues;
import io.undertow.util.HttpString;
import io.undertow.util.Methods;

import java.util.Set;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/** One route ready to serve: its conditions, its header changes, and its action (or rewrite target). */
final class CompiledRoute {

    private static final String[] NO_GROUPS = new String[0];

    private final Route route;
    /** The vhost and the route as logs and metrics name them: its conditions in YAML terms ({@code path /api/}). */
    final ServedBy servedBy;
    private final Set<HttpString> methods;
    private final HttpString headerName;
    private final Pattern headerPattern;
    private final ParsedTemplate rewriteTo;
    private final HeaderChanges.Operations requestHeaders;
    private final HeaderChanges.Operations responseHeaders;
    private final RouteAction action;

    /**
     * @param vhost    the mark of the route's vhost
     * @param handlers builds the handler of a proxy, files or echo action (shared by the routes that use the same)
     */
    CompiledRoute(Route route, ServedBy vhost, Function<Action, HttpHandler> handlers) {
        this.servedBy = vhost.route(route.describeConditions());
        this.route = route;
        this.methods = route.methods().stream().map(HttpString::new).collect(Collectors.toUnmodifiableSet());
        this.headerName = route.header().map(h -> new HttpString(h.name())).orElse(null);
        this.headerPattern = route.header().flatMap(h -> h.matches()).map(regex -> regex.pattern()).orElse(null);
        this.rewriteTo = route.action() instanceof RewriteConfig rewrite ? ParsedTemplate.of(rewrite.to()) : null;
        this.requestHeaders = HeaderChanges.Operations.of(route.headers().request());
        this.responseHeaders = HeaderChanges.Operations.of(route.headers().response());
        this.action = rewriteTo != null ? null : action(route, handlers);
    }

    private static RouteAction action(Route route, Function<Action, HttpHandler> handlers) {
        Action action = route.action();
        if (action instanceof RedirectConfig redirect) {
            return new Redirect(redirect);
        }
        if (action instanceof RespondConfig respond) {
            return new Respond(respond);
        }
        if (action instanceof ProxyConfig) {
            return proxy(route, handlers.apply(action));
        }
        if (action instanceof FilesConfig || action instanceof EchoConfig) {
            HttpHandler handler = handlers.apply(action);
            return (exchange, values) -> handler.handleRequest(exchange);
        }
        throw new IllegalArgumentException("no handler for action " + action.kind());
    }

    /** The proxy handler, after choosing the backend target when the route has {@code proxy.path} or {@code stripPrefix}. */
    private static RouteAction proxy(Route route, HttpHandler proxy) {
        if (route.proxyPath().unchanged()) {
            return (exchange, values) -> proxy.handleRequest(exchange);
        }
        boolean strip = route.proxyPath().stripPrefix();
        ParsedTemplate template = strip ? null : ParsedTemplate.of(route.proxyPath().template().orElseThrow());
        return (exchange, values) -> {
            String target = strip
                    ? Substitution.path(values.path().substring(route.path().orElseThrow().length()), values)
                    : Substitution.url(template, values);
            if (target == null) {
                RouteChain.refuseSubstitution(exchange, strip ? "proxy.stripPrefix" : "proxy.path");
                return;
            }
            ProxyTarget.set(exchange, target);
            proxy.handleRequest(exchange);
        };
    }

    /** Whether a condition looks at the path (so the chain must normalise it first). */
    boolean needsPath() {
        return route.path().isPresent() || route.match().isPresent();
    }

    /**
     * The groups {@code $0..$9} when every condition holds, else {@code null}.
     *
     * @param path the normalised path; only read when {@link #needsPath()}
     */
    String[] match(HttpServerExchange exchange, String path) {
        if (!methods.isEmpty() && !methodMatches(exchange.getRequestMethod())) {
            return null;
        }
        if (headerName != null && !headerMatches(exchange.getRequestHeaders().get(headerName))) {
            return null;
        }
        if (route.path().isPresent() && !path.startsWith(route.path().get())) {
            return null;
        }
        if (route.match().isEmpty()) {
            return NO_GROUPS;
        }
        Matcher matcher = route.match().get().pattern().matcher(path);
        if (!matcher.find()) {
            return null;
        }
        String[] groups = new String[Math.min(matcher.groupCount(), 9) + 1];
        for (int i = 0; i < groups.length; i++) {
            groups[i] = matcher.group(i);
        }
        return groups;
    }

    /** {@code GET} admits {@code HEAD}, as in nginx's {@code limit_except} and Apache's {@code <Limit>}. */
    private boolean methodMatches(HttpString method) {
        return methods.contains(method) || (method.equals(Methods.HEAD) && methods.contains(Methods.GET));
    }

    private boolean headerMatches(HeaderValues values) {
        if (values == null || values.isEmpty()) {
            return false;
        }
        if (headerPattern == null) {
            return true;
        }
        for (String value : values) {
            if (headerPattern.matcher(value).find()) {
                return true;
            }
        }
        return false;
    }

    /** Changes the request headers now and registers the response changes for when the response is committed. */
    void changeHeaders(HttpServerExchange exchange, RequestValues values) {
        if (route.headers().isEmpty()) {
            return;
        }
        HeaderChanges.of(requestHeaders, values).applyTo(exchange.getRequestHeaders());
        if (!route.headers().response().isEmpty()) {
            HeaderChanges response = HeaderChanges.of(responseHeaders, values);
            exchange.addResponseCommitListener(committed -> response.applyTo(committed.getResponseHeaders()));
        }
    }

    /** The rewrite target template, or {@code null} when the route is not a rewrite. */
    ParsedTemplate rewriteTo() {
        return rewriteTo;
    }

    RouteAction action() {
        return action;
    }
}
