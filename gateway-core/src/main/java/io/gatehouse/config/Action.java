package io.gatehouse.config;

/**
 * What a route does with a request: proxy it, serve files, echo it back, redirect, answer with a fixed response,
 * or rewrite its path and go on matching. A vhost's single-action shorthand takes only proxy, files and echo.
 */
public sealed interface Action permits ProxyConfig, FilesConfig, EchoConfig, RedirectConfig, RespondConfig, RewriteConfig {

    /** @return the YAML key that selects this action: {@code proxy}, {@code files}, {@code echo}, {@code redirect}, {@code respond} or {@code rewrite} */
    String kind();
}
