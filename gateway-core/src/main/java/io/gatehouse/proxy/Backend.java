package io.gatehouse.proxy;

import java.net.URI;
import java.util.concurrent.atomic.AtomicInteger;

/** One backend of a proxy: its connection pool, its health, and how many requests it has in flight. */
final class Backend implements AutoCloseable {

    final URI uri;
    final BackendPool pool;
    final BackendHealth health;
    final AtomicInteger inFlight = new AtomicInteger();

    Backend(URI uri, BackendPool pool, BackendHealth health) {
        this.uri = uri;
        this.pool = pool;
        this.health = health;
    }

    BackendState state() {
        return health.state(inFlight.get());
    }

    @Override
    public void close() {
        pool.close();
    }
}
