package dev.offshoot.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.OptionalInt;
import java.util.Set;

import org.junit.jupiter.api.Test;

import dev.offshoot.config.RuntimeProperties;

class PortAllocatorTest {

    static final InetAddress LOOPBACK = InetAddress.getLoopbackAddress();

    static PortAllocator onlyPort(int port) {
        return new PortAllocator(new RuntimeProperties("", "t1", "img", "", "/pg", "", "127.0.0.1", "", true, "n", port, port,
                Duration.ofSeconds(60), Duration.ofSeconds(60), Duration.ofMinutes(30)));
    }

    /**
     * PortRangeIT's flake: a deleted branch's port is left in TIME_WAIT by connections its side
     * closed first; the engine can publish it again at once, so it must count as free.
     */
    @Test
    void aPortHeldOnlyByClosedConnectionsIsFree() throws IOException {
        int port;
        try (ServerSocket listener = new ServerSocket(0, 1, LOOPBACK)) {
            port = listener.getLocalPort();
            try (Socket client = new Socket(LOOPBACK, port); Socket served = listener.accept()) {
                served.close(); // the server side closes first: TIME_WAIT stays on this port
                assertThat(client.getInputStream().read()).isEqualTo(-1);
            }
        }

        assertThat(onlyPort(port).next(Set.of())).isEqualTo(OptionalInt.of(port));
    }

    @Test
    void aPortWithAListenerOrARowIsTaken() throws IOException {
        try (ServerSocket listener = new ServerSocket()) {
            listener.setReuseAddress(true);
            listener.bind(new InetSocketAddress(LOOPBACK, 0));
            int port = listener.getLocalPort();

            assertThat(onlyPort(port).next(Set.of())).isEmpty();
        }
        try (ServerSocket probe = new ServerSocket(0, 1, LOOPBACK)) {
            int port = probe.getLocalPort();
            probe.close();
            assertThat(onlyPort(port).next(Set.of(port))).isEmpty();
        }
    }
}
