package dev.offshoot.gateway;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketAddress;

import javax.net.SocketFactory;

/**
 * pgjdbc's {@code socketFactory} standing in for wildcard DNS: every host name connects to the
 * loopback, while pgjdbc still uses the name for TLS (SNI, and the host name check of verify-full),
 * as libpq's {@code hostaddr} does for psql.
 */
public class LoopbackSocketFactory extends SocketFactory {

    @Override
    public Socket createSocket() {
        return new Socket() {
            @Override
            public void connect(SocketAddress endpoint, int timeout) throws IOException {
                int port = ((InetSocketAddress) endpoint).getPort();
                super.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), timeout);
            }
        };
    }

    @Override
    public Socket createSocket(String host, int port) throws IOException {
        return new Socket(InetAddress.getLoopbackAddress(), port);
    }

    @Override
    public Socket createSocket(String host, int port, InetAddress localHost, int localPort) throws IOException {
        return new Socket(InetAddress.getLoopbackAddress(), port, localHost, localPort);
    }

    @Override
    public Socket createSocket(InetAddress host, int port) throws IOException {
        return new Socket(InetAddress.getLoopbackAddress(), port);
    }

    @Override
    public Socket createSocket(InetAddress address, int port, InetAddress localAddress, int localPort)
            throws IOException {
        return new Socket(InetAddress.getLoopbackAddress(), port, localAddress, localPort);
    }
}
