package io.gatehouse.internal.proxy;

import io.gatehouse.internal.observe.BackendGauges;

import java.net.URI;
import java.util.concurrent.atomic.AtomicInteger;

/** One backend of a proxy: its connection pool, its health, and how many requests it has in flight. */
final class Backend implements AutoCloseable, BackendGauges.Source {

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
    public boolean up() {
        return health.available(System.nanoTime());
    }

    @Override
    public double secondsMarkedOut(BackendGauges.Reason reason) {
        BackendState state = state();
        BackendState.Status markedFor = reason == BackendGauges.Reason.CHECK
                ? BackendState.Status.CHECK_FAILING : BackendState.Status.COOLING_OFF;
        return state.status() == markedFor ? state.markedOut().toNanos() / 1e9 : 0;
    }

    @Override
    public int activeConnections() {
        return pool.active();
    }

    @Override
    public int idleConnections() {
        return pool.idle();
    }

    @Override
    public int queued() {
        return pool.waiting();
    }

    @Override
    public void close() {
        pool.close();
    }
}
