package dev.offshoot.template;

import java.net.InetAddress;

/**
 * An address range: {@code 10.0.0.0/8}, {@code fc00::/7}, or one address ({@code 192.0.2.7},
 * {@code [::1]}) as a range of one.
 */
record Cidr(InetAddress network, int prefixLength) {

    Cidr {
        int bits = network.getAddress().length * 8;
        if (prefixLength < 0 || prefixLength > bits) {
            throw new IllegalArgumentException("prefix length /" + prefixLength + " out of 0.." + bits);
        }
    }

    /** @throws IllegalArgumentException when the text is no IP address or CIDR range */
    static Cidr parse(String text) {
        String trimmed = text.strip();
        int slash = trimmed.indexOf('/');
        String address = slash < 0 ? trimmed : trimmed.substring(0, slash);
        if (address.startsWith("[") && address.endsWith("]")) {
            address = address.substring(1, address.length() - 1);
        }
        InetAddress network = InetAddress.ofLiteral(address);
        int bits = network.getAddress().length * 8;
        try {
            return new Cidr(network, slash < 0 ? bits : Integer.parseInt(trimmed.substring(slash + 1)));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("'" + text + "' has no numeric prefix length", e);
        }
    }

    boolean contains(InetAddress address) {
        byte[] a = address.getAddress();
        byte[] n = network.getAddress();
        if (a.length != n.length) {
            return false;
        }
        int full = prefixLength / 8;
        for (int i = 0; i < full; i++) {
            if (a[i] != n[i]) {
                return false;
            }
        }
        int rest = prefixLength % 8;
        int mask = (0xff << (8 - rest)) & 0xff;
        return rest == 0 || (a[full] & mask) == (n[full] & mask);
    }

    @Override
    public String toString() {
        return network.getHostAddress() + "/" + prefixLength;
    }
}
