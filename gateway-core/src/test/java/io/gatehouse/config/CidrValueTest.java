package io.gatehouse.config;

import org.junit.jupiter.api.Test;

import java.net.InetAddress;
import java.net.UnknownHostException;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A {@link Cidr} is a value: what a caller does with the bytes it handed in or got out cannot change it. */
class CidrValueTest {

    @Test
    void changingTheArrayHandedInLeavesTheNetworkAsBuilt() throws UnknownHostException {
        byte[] bytes = {10, 0, 0, 0};
        Cidr network = new Cidr(bytes, 8);
        bytes[0] = (byte) 192;
        assertTrue(network.contains(InetAddress.getByName("10.1.2.3")));
        assertEquals("10.0.0.0/8", network.toString());
    }

    @Test
    void changingTheArrayHandedOutLeavesTheNetworkAsBuilt() throws UnknownHostException {
        Cidr network = Cidr.parse("10.0.0.0/8");
        network.network()[0] = (byte) 192;
        assertTrue(network.contains(InetAddress.getByName("10.1.2.3")));
        assertFalse(network.contains(InetAddress.getByName("192.168.0.1")));
    }

    @Test
    void networksWithTheSameAddressAndPrefixAreEqual() {
        assertEquals(Cidr.parse("10.0.0.0/8"), new Cidr(new byte[] {10, 0, 0, 0}, 8));
        assertEquals(Cidr.parse("10.0.0.0/8").hashCode(), new Cidr(new byte[] {10, 0, 0, 0}, 8).hashCode());
    }

    @Test
    void theBitsAfterThePrefixAreCleared() {
        assertArrayEquals(new byte[] {10, 0, 0, 0}, new Cidr(new byte[] {10, 1, 2, 3}, 8).network());
        assertEquals(Cidr.parse("10.0.0.0/8"), new Cidr(new byte[] {10, 1, 2, 3}, 8));
    }

    @Test
    void anAddressOfNeitherFamilyIsRefused() {
        assertEquals("a network address has 4 (IPv4) or 16 (IPv6) bytes, got 5",
                assertThrows(IllegalArgumentException.class, () -> new Cidr(new byte[5], 8)).getMessage());
    }

    @Test
    void aPrefixLongerThanTheAddressIsRefused() {
        assertEquals("prefix length must be 0-32, got 33",
                assertThrows(IllegalArgumentException.class, () -> new Cidr(new byte[4], 33)).getMessage());
    }
}
