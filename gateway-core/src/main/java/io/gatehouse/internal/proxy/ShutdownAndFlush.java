package io.gatehouse.internal.proxy;

import org.xnio.ChannelListener;
import org.xnio.ChannelListeners;
import org.xnio.channels.StreamSinkChannel;

import java.io.IOException;
import java.util.function.Consumer;

/**
 * Ends a relayed body on its sink, the request's on a backend connection or the response's on the client's: shuts
 * the sink down (writing what its framing needs at the end, a last chunk say) and flushes it, waiting for the
 * socket when it is full. A body counts as sent only once flushed: framing may hold bytes back, and a backend
 * connection must never go back to its pool with part of a request unsent.
 */
final class ShutdownAndFlush {

    private ShutdownAndFlush() {
    }

    /**
     * A listener that, called with a sink whose body is all written, shuts it down and flushes it, then runs
     * {@code onFlushed}; a failure to do so goes to {@code onFailure} instead. Call it directly, or hand it to
     * {@link io.undertow.util.Transfer} as the listener for a source read to its end.
     *
     * @param onFlushed runs once the sink is shut down and flushed, on the sink's IO thread
     * @param onFailure receives what shutting down or flushing threw; {@code onFlushed} then never runs
     * @return a new listener, for one sink
     */
    static ChannelListener<StreamSinkChannel> then(Runnable onFlushed, Consumer<IOException> onFailure) {
        return sink -> {
            try {
                sink.shutdownWrites();
                if (sink.flush()) {
                    sink.getWriteSetter().set(null);
                    onFlushed.run();
                    return;
                }
                sink.getWriteSetter().set(ChannelListeners.flushingChannelListener(flushed -> {
                    flushed.suspendWrites();
                    flushed.getWriteSetter().set(null);
                    onFlushed.run();
                }, (channel, e) -> onFailure.accept(e)));
                sink.resumeWrites();
            } catch (IOException e) {
                onFailure.accept(e);
            }
        };
    }
}
