package io.gatehouse.internal.proxy;

import io.gatehouse.config.ProxyConfig;
import io.gatehouse.internal.forwarded.ClientAddress;
import io.undertow.server.HttpServerExchange;

import java.net.InetAddress;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Chooses a request's backend among those the caller accepts (up, and not tried yet for this request). Choosing
 * allocates nothing and takes no lock; strategies keep at most an atomic counter.
 */
abstract class Balancer {

    /** Which backends, by index, a request may go to now. */
    interface Eligible {
        boolean test(int index);
    }

    /** The index of the chosen backend among {@code backends}, or -1 when none is eligible. */
    abstract int pick(HttpServerExchange exchange, Backend[] backends, Eligible eligible);

    static Balancer of(ProxyConfig.Balance balance) {
        return switch (balance) {
            case ROUND_ROBIN -> new RoundRobin();
            case LEAST_REQUESTS -> new LeastRequests();
            case IP_HASH -> new IpHash();
        };
    }

    /** The first eligible index at or after {@code start}, going round; -1 if none. */
    static int firstEligible(int start, int count, Eligible eligible) {
        for (int k = 0; k < count; k++) {
            int index = (start + k) % count;
            if (eligible.test(index)) {
                return index;
            }
        }
        return -1;
    }

    /** Each backend in turn; one that is out is skipped and its turn goes to the next. */
    static final class RoundRobin extends Balancer {
        private final AtomicInteger next = new AtomicInteger();

        @Override
        int pick(HttpServerExchange exchange, Backend[] backends, Eligible eligible) {
            return firstEligible(Math.floorMod(next.getAndIncrement(), backends.length), backends.length, eligible);
        }
    }

    /**
     * The eligible backend with the fewest requests in flight (HAProxy {@code leastconn}, nginx {@code least_conn});
     * the scan starts at a rotating index so that ties are shared out rather than all going to the first backend.
     */
    static final class LeastRequests extends Balancer {
        private final AtomicInteger start = new AtomicInteger();

        @Override
        int pick(HttpServerExchange exchange, Backend[] backends, Eligible eligible) {
            int first = Math.floorMod(start.getAndIncrement(), backends.length);
            int best = -1;
            int fewest = Integer.MAX_VALUE;
            for (int k = 0; k < backends.length; k++) {
                int index = (first + k) % backends.length;
                int load = backends[index].inFlight.get();
                if (load < fewest && eligible.test(index)) {
                    best = index;
                    fewest = load;
                }
            }
            return best;
        }
    }

    /**
     * A hash of the client's IP address ({@link ClientAddress}, the real client behind trusted proxies), so a client
     * keeps its backend; when that one is out, the next eligible one in order takes its clients (nginx
     * {@code ip_hash} also moves them on), and they come back when it returns.
     */
    static final class IpHash extends Balancer {
        @Override
        int pick(HttpServerExchange exchange, Backend[] backends, Eligible eligible) {
            InetAddress client = ClientAddress.of(exchange);
            // InetAddress.hashCode is derived from the address bytes; spread it so neighbouring addresses scatter.
            int hash = client == null ? 0 : client.hashCode() * 0x9E3779B9;
            return firstEligible(Math.floorMod(hash ^ (hash >>> 16), backends.length), backends.length, eligible);
        }
    }
}
