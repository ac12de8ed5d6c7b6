package io.gatehouse.daemon;

import io.gatehouse.ListenerBindException;
import io.gatehouse.config.ListenAddress;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.BindException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class BindFailureTest {

    @Test
    void privilegedPortExplainsTheCapabilityTheSystemdLineAndSetcap() {
        // The message Linux gives for bind(2) returning EACCES; these tests run as any user, so it cannot be provoked.
        ListenerBindException failure = new ListenerBindException(new ListenAddress("0.0.0.0", 80), new BindException("Permission denied"));

        BindFailure explained = BindFailure.explain(failure, "/etc/gatehouse/gatehouse.yaml");

        assertEquals("cannot listen on 0.0.0.0:80: permission denied; ports below 1024 need the CAP_NET_BIND_SERVICE capability",
                explained.summary());
        String advice = String.join("\n", explained.advice());
        assertTrue(advice.contains("AmbientCapabilities=CAP_NET_BIND_SERVICE"), advice);
        assertTrue(advice.contains("sudo setcap 'cap_net_bind_service=+ep' $(readlink -f $(which java))"), advice);
        assertTrue(advice.contains("port of 1024 or above in /etc/gatehouse/gatehouse.yaml (for example \"0.0.0.0:8080\")"), advice);
    }

    @Test
    void portInUseNamesTheAddressAndHowToFindTheOtherProcess() throws IOException {
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            int port = taken.getLocalPort();
            BindException cause = assertThrows(BindException.class, () -> {
                try (ServerSocket second = new ServerSocket()) {
                    second.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
                }
            });

            BindFailure explained = BindFailure.explain(
                    new ListenerBindException(new ListenAddress("127.0.0.1", port), new RuntimeException(cause)), "demo.yaml");

            assertEquals("cannot listen on 127.0.0.1:" + port + ": address already in use", explained.summary());
            assertTrue(explained.advice().get(0).contains("ss -ltnp 'sport = :" + port + "'"), explained.advice().toString());
        }
    }

    @Test
    void foreignAddressSaysItIsNotOneOfThisMachines() throws IOException {
        // 192.0.2.1 is TEST-NET-1 (RFC 5737): never assigned to a real interface.
        BindException cause = assertThrows(BindException.class, () -> {
            try (ServerSocket socket = new ServerSocket()) {
                socket.bind(new InetSocketAddress(InetAddress.getByName("192.0.2.1"), 8080));
            }
        });

        BindFailure explained = BindFailure.explain(new ListenerBindException(new ListenAddress("192.0.2.1", 8080), cause), "demo.yaml");

        assertEquals("cannot listen on 192.0.2.1:8080: the address is not one of this machine's", explained.summary());
    }

    @Test
    void permissionDeniedOnAnUnprivilegedPortIsNotBlamedOnTheCapability() {
        ListenerBindException failure = new ListenerBindException(new ListenAddress("0.0.0.0", 8080), new BindException("Permission denied"));

        BindFailure explained = BindFailure.explain(failure, "demo.yaml");

        assertEquals("cannot listen on 0.0.0.0:8080: Permission denied", explained.summary());
        assertTrue(explained.advice().isEmpty());
    }
}
