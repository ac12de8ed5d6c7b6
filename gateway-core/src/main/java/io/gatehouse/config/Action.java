package io.gatehouse.config;

/** What a virtual host does with a request: proxy it, serve files, or echo it back. */
public sealed interface Action permits ProxyConfig, FilesConfig, EchoConfig {

    /** The YAML key that selects this action. */
    String kind();
}
