package dev.offshoot.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.DataInputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.util.HexFormat;

import org.junit.jupiter.api.Test;

/** A cancel published by another replica reaches the backend only when this replica issued its key. */
class ReplicaCancelsTest {

    final CancelKeys keys = new CancelKeys();
    final ReplicaCancels cancels = new ReplicaCancels(null, null, keys);

    @Test
    void aPublishedCancelForAKeyThisReplicaIssuedIsSentToItsBackend() throws Exception {
        try (ServerSocket backend = new ServerSocket(0)) {
            backend.setSoTimeout(5000);
            CancelKeys.Issued issued = keys.issue(new CancelKeys.Target(
                    new InetSocketAddress("127.0.0.1", backend.getLocalPort()), 4242, new byte[] {1, 2, 3, 4}));

            cancels.received(issued.pid() + ":" + HexFormat.of().formatHex(issued.key()));

            try (Socket s = backend.accept(); DataInputStream in = new DataInputStream(s.getInputStream())) {
                assertThat(in.readInt()).isEqualTo(16);
                assertThat(in.readInt()).isEqualTo(Protocol.CANCEL_REQUEST);
                assertThat(in.readInt()).as("the backend's own process id").isEqualTo(4242);
                assertThat(in.readNBytes(4)).containsExactly(1, 2, 3, 4);
            }
        }
    }

    @Test
    void unknownWrongAndMalformedKeysAreIgnored() throws Exception {
        try (ServerSocket backend = new ServerSocket(0)) {
            backend.setSoTimeout(500);
            CancelKeys.Issued issued = keys.issue(new CancelKeys.Target(
                    new InetSocketAddress("127.0.0.1", backend.getLocalPort()), 7, new byte[] {9, 9, 9, 9}));

            cancels.received(issued.pid() + ":00000000");
            cancels.received((issued.pid() + 1) + ":" + HexFormat.of().formatHex(issued.key()));
            cancels.received("not a cancel");
            cancels.received(issued.pid() + ":zz");
            cancels.received(":");

            try (Socket s = backend.accept()) {
                throw new AssertionError("a cancel was sent for a key that does not match: " + s);
            } catch (SocketTimeoutException expected) {
                // nothing reached the backend
            }
        }
    }

    @Test
    void publicationsAreBoundedPerSecond() {
        int admitted = 0;
        for (int i = 0; i < 500; i++) {
            admitted += cancels.admitted(1000) ? 1 : 0;
        }
        assertThat(admitted).isEqualTo(ReplicaCancels.MAX_PER_SECOND);
        assertThat(cancels.admitted(1001)).as("the next second starts afresh").isTrue();
    }
}
