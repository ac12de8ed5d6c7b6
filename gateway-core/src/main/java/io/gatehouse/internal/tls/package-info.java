/**
 * Not part of Gatehouse's API. TLS: certificates read from PEM files, chosen per connection by the name the client
 * asks for (SNI), and what a connection's certificate covers.
 */
package io.gatehouse.internal.tls;
