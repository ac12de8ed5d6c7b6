/**
 * Not part of Gatehouse's API: a vhost's {@code routes}, the step between the host router and the route's action;
 * may change in any release.
 * <p>
 * {@link io.gatehouse.internal.routes.RouteChain} is the one public type: the first route whose conditions
 * ({@code methods}, {@code header}, {@code path}, {@code match}) all hold applies its header rules and its action.
 * {@code redirect} and {@code respond} are answered here; {@code rewrite} gives the request a new target and
 * matching goes on with the next route; {@code proxy}, {@code files} and {@code echo} are handed to the handlers the
 * chain was built with, after a {@code proxy.path} or {@code proxy.stripPrefix} target is chosen. Paths are matched
 * after dot segments are applied and slashes merged; a path hiding a separator ({@code %2F}, {@code %5C},
 * {@code \}) or climbing above the root gets 400 once a route needs to look at it. Every value a template
 * substitutes is encoded for the place it lands, and a value that would change the template's meaning gets 400
 * instead. No route: 404.
 */
package io.gatehouse.internal.routes;
