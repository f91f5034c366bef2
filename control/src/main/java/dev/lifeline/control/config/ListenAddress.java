package dev.lifeline.control.config;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;

/**
 * Where the control plane listens: {@code HOST:PORT} ({@code [::1]:7420} for IPv6; port 0 picks a free one).
 *
 * @param loopback every address the host name resolves to is a loopback address, so plain HTTP never leaves the
 *     machine
 */
public record ListenAddress(String host, int port, boolean loopback) {

    /** Parses and resolves {@code text}; the message of the failure says what is wrong and the expected form. */
    public static ListenAddress parse(String text) {
        String v = text == null ? "" : text.strip();
        int colon = v.lastIndexOf(':');
        if (colon <= 0) {
            throw new IllegalArgumentException("must be HOST:PORT, for example 127.0.0.1:7420");
        }
        String host = v.substring(0, colon);
        if (host.startsWith("[") && host.endsWith("]")) {
            host = host.substring(1, host.length() - 1);
        }
        int port;
        try {
            port = Integer.parseInt(v.substring(colon + 1));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("must be HOST:PORT, for example 127.0.0.1:7420");
        }
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("has a port outside 0-65535");
        }
        try {
            InetAddress[] addresses = InetAddress.getAllByName(host);
            boolean loopback = true;
            for (InetAddress a : addresses) {
                loopback &= a.isLoopbackAddress();
            }
            return new ListenAddress(host, port, loopback);
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException("names a host that does not resolve here (" + host + ")");
        }
    }

    public InetSocketAddress socketAddress() {
        return new InetSocketAddress(host, port);
    }

    @Override
    public String toString() {
        return (host.contains(":") ? "[" + host + "]" : host) + ":" + port;
    }
}
