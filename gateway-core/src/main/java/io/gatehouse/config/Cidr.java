package io.gatehouse.config;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Arrays;

/**
 * An IPv4 or IPv6 network in CIDR notation, such as {@code 127.0.0.1/32} or {@code ::1/128}. Immutable: the
 * address bytes are copied in and out, and two networks are equal when their addresses and prefixes are.
 *
 * @param network      the network's address, 4 bytes (IPv4) or 16 (IPv6), with the bits after the prefix cleared
 * @param prefixLength how many leading bits of an address must match, 0 to 32 (IPv4) or 0 to 128 (IPv6)
 */
public record Cidr(byte[] network, int prefixLength) {

    /**
     * Copies {@code network} and clears the bits after the prefix, so that {@code 10.1.2.3/8} is {@code 10.0.0.0/8}.
     *
     * @param network      4 or 16 address bytes; the caller's array is not kept
     * @param prefixLength 0 to the address's bit length
     * @throws IllegalArgumentException when {@code network} is not 4 or 16 bytes, or the prefix is out of range
     */
    public Cidr {
        if (network.length != 4 && network.length != 16) {
            throw new IllegalArgumentException("a network address has 4 (IPv4) or 16 (IPv6) bytes, got " + network.length);
        }
        if (prefixLength < 0 || prefixLength > network.length * 8) {
            throw new IllegalArgumentException("prefix length must be 0-" + network.length * 8 + ", got " + prefixLength);
        }
        network = mask(network, prefixLength);
    }

    /**
     * Parses an address ({@code 10.0.0.1}, a network of one) or a network ({@code 10.0.0.0/8}, {@code ::1/128}).
     * Only literals: a host name is refused rather than looked up.
     *
     * @param text as written in {@code forwarded.trusted}
     * @return the network, its address masked to the prefix
     * @throws IllegalArgumentException saying what is wrong and what would be valid
     */
    public static Cidr parse(String text) {
        String value = text.trim();
        int slash = value.indexOf('/');
        String address = slash < 0 ? value : value.substring(0, slash);
        if (!looksLikeIpLiteral(address)) {
            throw new IllegalArgumentException("expected an IP address or network like 10.0.0.0/8 or ::1/128, got \"" + text + "\"");
        }
        byte[] bytes;
        try {
            bytes = InetAddress.getByName(address).getAddress();
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException("not an IP address: \"" + address + "\"");
        }
        int max = bytes.length * 8;
        int prefix = max;
        if (slash >= 0) {
            try {
                prefix = Integer.parseInt(value.substring(slash + 1));
            } catch (NumberFormatException e) {
                prefix = -1;
            }
            if (prefix < 0 || prefix > max) {
                throw new IllegalArgumentException("prefix length must be 0-" + max + " in \"" + text + "\"");
            }
        }
        return new Cidr(bytes, prefix);
    }

    /** @return a copy of the network's address bytes, so the record's own stay unchanged */
    @Override
    public byte[] network() {
        return network.clone();
    }

    /**
     * Whether {@code address} lies in this network; an IPv4 address never matches an IPv6 network, so list both
     * {@code 127.0.0.1/32} and {@code ::1/128} to trust the loopback whichever family a peer uses.
     *
     * @param address a peer's address
     * @return true when its first {@link #prefixLength()} bits are the network's
     */
    public boolean contains(InetAddress address) {
        byte[] candidate = address.getAddress();
        if (candidate.length != network.length) {
            return false;
        }
        int fullBytes = prefixLength / 8;
        for (int i = 0; i < fullBytes; i++) {
            if (candidate[i] != network[i]) {
                return false;
            }
        }
        int remainingBits = prefixLength % 8;
        if (remainingBits == 0) {
            return true;
        }
        int mask = 0xFF << (8 - remainingBits);
        return (candidate[fullBytes] & mask) == (network[fullBytes] & mask);
    }

    private static boolean looksLikeIpLiteral(String address) {
        // InetAddress.getByName would resolve names through DNS; only literals are accepted here.
        return !address.isEmpty() && (address.indexOf(':') >= 0 || address.chars().allMatch(c -> c == '.' || (c >= '0' && c <= '9')));
    }

    private static byte[] mask(byte[] bytes, int prefix) {
        byte[] masked = bytes.clone();
        for (int bit = prefix; bit < masked.length * 8; bit++) {
            masked[bit / 8] &= (byte) ~(0x80 >>> (bit % 8));
        }
        return masked;
    }

    /** Equal when the other is a {@code Cidr} with the same address bytes and prefix length. */
    @Override
    public boolean equals(Object other) {
        return other instanceof Cidr that && prefixLength == that.prefixLength && Arrays.equals(network, that.network);
    }

    @Override
    public int hashCode() {
        return 31 * Arrays.hashCode(network) + prefixLength;
    }

    /** As written in YAML: {@code 10.0.0.0/8}, {@code ::1/128}. */
    @Override
    public String toString() {
        try {
            return InetAddress.getByAddress(network).getHostAddress() + "/" + prefixLength;
        } catch (UnknownHostException e) {
            throw new IllegalStateException(e);
        }
    }
}
