package io.gatehouse;

import io.gatehouse.testing.RawHttp;
import io.undertow.Undertow;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.xnio.OptionMap;
import org.xnio.Options;
import org.xnio.Xnio;
import org.xnio.XnioWorker;
import org.xnio.management.XnioServerMXBean;

import javax.management.MBeanServer;
import javax.management.ObjectName;
import java.lang.management.ManagementFactory;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashSet;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import static io.gatehouse.testing.Configs.echo;
import static io.gatehouse.testing.Configs.gateway;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The threads a gateway runs on: its own worker, named apart from any other gateway's, or the application's. */
@Timeout(30)
class GatewayThreadsTest {

    private static final Pattern IO_THREAD = Pattern.compile("(gatehouse-\\d+) I/O-\\d+");
    private static final String GET = "GET / HTTP/1.1\r\nHost: a.test\r\n\r\n";

    @Test
    void twoGatewaysInOneJvmHaveDistinctlyNamedIoThreads() {
        Set<Thread> before = Thread.getAllStackTraces().keySet();
        try (Gateway first = Gateway.start(gateway(echo("a", "*")))) {
            Set<String> firstThreads = ioThreadsStartedSince(before);
            Set<Thread> between = Thread.getAllStackTraces().keySet();
            try (Gateway second = Gateway.start(gateway(echo("a", "*")))) {
                Set<String> secondThreads = ioThreadsStartedSince(between);

                assertFalse(firstThreads.isEmpty());
                assertFalse(secondThreads.isEmpty());
                Set<String> shared = new HashSet<>(firstThreads);
                shared.retainAll(secondThreads);
                assertEquals(Set.of(), shared, "IO thread names both gateways use");
                assertEquals(1, workerNames(firstThreads).size(), "one worker per gateway: " + firstThreads);
                assertFalse(workerNames(firstThreads).equals(workerNames(secondThreads)));
            }
        }
    }

    @Test
    void eachGatewaysWorkerRegistersItsOwnManagementBean() throws Exception {
        Set<Thread> before = Thread.getAllStackTraces().keySet();
        try (Gateway first = Gateway.start(gateway(echo("a", "*")))) {
            String firstWorker = workerNames(ioThreadsStartedSince(before)).iterator().next();
            Set<Thread> between = Thread.getAllStackTraces().keySet();
            try (Gateway second = Gateway.start(gateway(echo("a", "*")))) {
                String secondWorker = workerNames(ioThreadsStartedSince(between)).iterator().next();

                MBeanServer server = ManagementFactory.getPlatformMBeanServer();
                assertTrue(server.isRegistered(workerBean(firstWorker)), firstWorker);
                assertTrue(server.isRegistered(workerBean(secondWorker)), secondWorker);
            }
        }
    }

    @Test
    void ioThreadsAndWorkerThreadsSizeTheGatewaysOwnWorker() throws Exception {
        Set<Thread> before = Thread.getAllStackTraces().keySet();
        GatewayOptions options = GatewayOptions.builder().ioThreads(3).workerThreads(5).build();
        try (Gateway gateway = Gateway.start(gateway(echo("a", "*")), options)) {
            Set<String> ioThreads = ioThreadsStartedSince(before);
            String worker = workerNames(ioThreads).iterator().next();

            assertEquals(3, ioThreads.size(), ioThreads.toString());
            MBeanServer server = ManagementFactory.getPlatformMBeanServer();
            assertEquals(3, server.getAttribute(workerBean(worker), "IoThreadCount"));
            assertEquals(5, server.getAttribute(workerBean(worker), "MaxWorkerPoolSize"));
        }
    }

    @Test
    void onTheApplicationsWorkerRequestsRunOnItsThreadsAndStopLeavesItRunning() throws Exception {
        XnioWorker app = Xnio.getInstance(Undertow.class.getClassLoader())
                .createWorker(OptionMap.builder().set(Options.WORKER_NAME, "app").set(Options.WORKER_IO_THREADS, 2).getMap());
        try {
            Set<Thread> before = Thread.getAllStackTraces().keySet();
            Gateway gateway = Gateway.start(gateway(echo("a", "*")), GatewayOptions.builder().worker(app).build());
            InetSocketAddress address = gateway.addresses().get(0);
            assertEquals(Set.of(), ioThreadsStartedSince(before), "the gateway started no IO thread of its own");
            try (Socket client = new Socket()) {
                client.connect(address);
                client.getOutputStream().write(GET.getBytes(StandardCharsets.US_ASCII));
                assertEquals(200, RawHttp.read(client).status());

                XnioServerMXBean listener = app.getMXBean().getServerMXBeans().stream()
                        .filter(server -> server.getBindAddress().endsWith(":" + address.getPort()))
                        .findFirst().orElseThrow(() -> new AssertionError("the gateway's listener is not the app worker's"));
                assertEquals(1, listener.getConnectionCount(), "the app's worker accepted the client's connection");
            }

            assertTrue(gateway.stop(Duration.ofSeconds(5)));

            assertFalse(app.isShutdown(), "the application's worker is the application's to shut down");
            Undertow own = Undertow.builder().setWorker(app).addHttpListener(0, "127.0.0.1")
                    .setHandler(exchange -> exchange.getResponseSender().send("still here")).build();
            own.start();
            try {
                InetSocketAddress ownAddress = (InetSocketAddress) own.getListenerInfo().get(0).getAddress();
                assertEquals("still here", RawHttp.exchange(ownAddress,
                        "GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n").body());
            } finally {
                own.stop();
            }
        } finally {
            app.shutdownNow();
        }
    }

    @Test
    void aShutDownApplicationWorkerIsRefusedAtStart() {
        XnioWorker app = shutDownWorker();

        assertThrows(IllegalArgumentException.class,
                () -> Gateway.start(gateway(echo("a", "*")), GatewayOptions.builder().worker(app).build()));
    }

    @Test
    void threadCountsWithTheApplicationsWorkerAreRefused() {
        XnioWorker app = shutDownWorker();

        assertThrows(IllegalStateException.class, () -> GatewayOptions.builder().worker(app).ioThreads(2).build());
    }

    /** The names of the gateway IO threads started since {@code before} was taken. */
    private static Set<String> ioThreadsStartedSince(Set<Thread> before) {
        return Thread.getAllStackTraces().keySet().stream()
                .filter(thread -> !before.contains(thread))
                .map(Thread::getName)
                .filter(name -> IO_THREAD.matcher(name).matches())
                .collect(Collectors.toSet());
    }

    private static Set<String> workerNames(Set<String> ioThreads) {
        return ioThreads.stream().map(name -> {
            Matcher matcher = IO_THREAD.matcher(name);
            assertTrue(matcher.matches());
            return matcher.group(1);
        }).collect(Collectors.toSet());
    }

    private static ObjectName workerBean(String worker) throws Exception {
        return new ObjectName("org.xnio:type=Xnio,provider=\"nio\",worker=\"" + worker + "\"");
    }

    /** A worker that exists and is shut down. */
    private static XnioWorker shutDownWorker() {
        try {
            XnioWorker worker = Xnio.getInstance(Undertow.class.getClassLoader())
                    .createWorker(OptionMap.create(Options.WORKER_IO_THREADS, 1));
            worker.shutdownNow();
            worker.awaitTermination();
            return worker;
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }
}
