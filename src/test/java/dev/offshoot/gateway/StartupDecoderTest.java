package dev.offshoot.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.Executor;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import org.junit.jupiter.api.Test;

import dev.offshoot.config.GatewayProperties;
import dev.offshoot.instance.Endpoint;

/**
 * The first packets a client may send, hostile ones included, on Netty's EmbeddedChannel: every
 * one is answered (S, N, an ErrorResponse) or the connection closed, none throws, none is waited
 * for beyond its declared length, and the decoder keeps serving well-formed clients after.
 */
class StartupDecoderTest {

    static final Executor INLINE = Runnable::run;

    final List<String> looked = new ArrayList<>();
    final List<String> passedOn = new ArrayList<>();
    final BranchDirectory directory = new BranchDirectory() {
        @Override
        public Route route(String name) {
            looked.add(name);
            throw new Refusal(Protocol.INVALID_CATALOG_NAME, "branch \"" + name + "\" does not exist");
        }

        @Override
        public void wake(String name) {
        }

        @Override
        public Endpoint endpoint(String key) {
            return new Endpoint("127.0.0.1", 1);
        }

        @Override
        public void onStopped(java.util.function.Consumer<String> listener) {
        }
    };

    ClientPipeline pipeline(GatewayProperties.PlainText plainText) {
        GatewayProperties properties = GatewayPropertiesFixture.with(plainText);
        return new ClientPipeline(properties, null, directory, new CancelKeys(), new Connections(),
                new Wakes(1, properties.wakeTimeout(), INLINE), INLINE, new GatewayMetrics(new SimpleMeterRegistry()),
                (pid, key) -> passedOn.add(pid + ":" + java.util.HexFormat.of().formatHex(key)));
    }

    EmbeddedChannel client() {
        return new EmbeddedChannel(new StartupDecoder(pipeline(GatewayProperties.PlainText.ANY), Session.Tls.NONE));
    }

    @Test
    void aStartupMessageIsRoutedByTheBranchItsOptionsName() {
        EmbeddedChannel channel = client();
        channel.writeInbound(startup(Map.of("user", "app", "database", "app", "options", "endpoint=pr-7")));
        channel.runPendingTasks();

        assertThat(looked).containsExactly("pr-7");
        assertError(channel, "3D000", "pr-7");
    }

    @Test
    void gssEncryptionIsDeclinedAndTheClientGoesOn() {
        EmbeddedChannel channel = client();
        channel.writeInbound(Unpooled.buffer().writeInt(8).writeInt(Protocol.GSSENC_REQUEST));

        assertThat(((ByteBuf) channel.readOutbound()).readByte()).isEqualTo((byte) 'N');
        assertThat(channel.isActive()).isTrue();
        channel.writeInbound(startup(Map.of("user", "app", "options", "endpoint=pr-8")));
        channel.runPendingTasks();
        assertThat(looked).containsExactly("pr-8");
    }

    @Test
    void sslRequestWithoutTlsConfiguredIsAnsweredNo() {
        EmbeddedChannel channel = client();
        channel.writeInbound(Unpooled.buffer().writeInt(8).writeInt(Protocol.SSL_REQUEST));

        assertThat(((ByteBuf) channel.readOutbound()).readByte()).isEqualTo((byte) 'N');
        assertThat(channel.isActive()).isTrue();
    }

    @Test
    void plainBytesBehindAnSslRequestAreRefused() {
        EmbeddedChannel channel = client();
        channel.writeInbound(Unpooled.buffer().writeInt(8).writeInt(Protocol.SSL_REQUEST).writeBytes("Q".getBytes()));

        assertError(channel, "08P01", "unencrypted data after SSL request");
    }

    @Test
    void lengthsBelowTheHeaderNegativeOrOverTheLimitAreRefusedWithoutWaiting() {
        for (int length : new int[] {0, 4, 7, -1, Integer.MIN_VALUE, 8193, Integer.MAX_VALUE}) {
            EmbeddedChannel channel = client();
            channel.writeInbound(Unpooled.buffer().writeInt(length).writeInt(Protocol.PROTOCOL_3_0));

            assertError(channel, "08P01", "invalid length of startup packet");
        }
    }

    @Test
    void aTruncatedPacketIsWaitedForWithinItsDeclaredLengthOnly() {
        EmbeddedChannel channel = client();
        channel.writeInbound(Unpooled.buffer().writeInt(100).writeInt(Protocol.PROTOCOL_3_0).writeBytes(new byte[10]));

        assertThat((Object) channel.readOutbound()).isNull();
        assertThat(channel.isActive()).isTrue();
        assertThat(looked).isEmpty();
    }

    @Test
    void malformedParametersAndUnknownCodesAreRefused() {
        ByteBuf noTerminator = Unpooled.buffer().writeInt(0).writeInt(Protocol.PROTOCOL_3_0)
                .writeBytes("user\0app".getBytes(StandardCharsets.UTF_8));
        noTerminator.setInt(0, noTerminator.readableBytes());
        EmbeddedChannel channel = client();
        channel.writeInbound(noTerminator);
        assertError(channel, "08P01", "invalid startup packet layout");

        EmbeddedChannel old = client();
        old.writeInbound(Unpooled.buffer().writeInt(8).writeInt(2 << 16));
        assertError(old, "08P01", "unsupported frontend protocol 2.0");
    }

    @Test
    void anUnknownCancelKeyIsPassedToTheOtherReplicasAndTheConnectionClosed() {
        EmbeddedChannel channel = client();
        channel.writeInbound(Unpooled.buffer().writeInt(16).writeInt(Protocol.CANCEL_REQUEST).writeInt(42).writeInt(7));

        assertThat((Object) channel.readOutbound()).isNull();
        assertThat(channel.isActive()).isFalse();
        assertThat(passedOn).containsExactly("42:00000007");
    }

    @Test
    void plainTextFromAnotherHostIsRefusedWhenOnlyTheLoopbackMaySendIt() {
        EmbeddedChannel channel = new EmbeddedChannel(new StartupDecoder(
                pipeline(GatewayProperties.PlainText.NONE), Session.Tls.NONE));
        channel.writeInbound(startup(Map.of("user", "app", "options", "endpoint=pr-9")));

        assertError(channel, "28000", "requires TLS");
        assertThat(looked).isEmpty();
    }

    /** Behind a load balancer the PROXY header's source is the client: here not the loopback. */
    @Test
    void theProxyHeadersClientIsTheOneTheTlsRuleJudges() {
        ClientPipeline pipeline = pipeline(GatewayProperties.PlainText.LOOPBACK);
        EmbeddedChannel channel = new EmbeddedChannel(new io.netty.handler.codec.haproxy.HAProxyMessageDecoder(),
                new ProxySource(pipeline), new StartupDecoder(pipeline, Session.Tls.NONE));
        channel.writeInbound(Unpooled.copiedBuffer("PROXY TCP4 203.0.113.5 127.0.0.1 5555 15432\r\n",
                StandardCharsets.US_ASCII));
        channel.writeInbound(startup(Map.of("user", "app", "options", "endpoint=pr-10")));

        assertThat(Session.of(channel).clientAddress().getHostAddress()).isEqualTo("203.0.113.5");
        assertError(channel, "28000", "requires TLS");
    }

    /** Random first packets: each is answered or closed, nothing throws, and good clients still get through. */
    @Test
    void randomFirstPacketsAreAnsweredOrClosedAndNeverThrow() {
        Random random = new Random(22);
        for (int i = 0; i < 5_000; i++) {
            EmbeddedChannel channel = client();
            byte[] bytes = new byte[random.nextInt(64)];
            random.nextBytes(bytes);
            if (bytes.length >= 8 && random.nextBoolean()) {
                // a plausible header so the decoder gets past the length check more often
                Unpooled.wrappedBuffer(bytes).setInt(0, bytes.length).setInt(4, pick(random));
            }
            channel.writeInbound(Unpooled.wrappedBuffer(bytes));
            channel.runPendingTasks();
            Object answer = channel.readOutbound();
            if (answer instanceof ByteBuf out) {
                byte first = out.getByte(0);
                assertThat(first).as("answer to %s", java.util.HexFormat.of().formatHex(bytes))
                        .isIn((byte) 'E', (byte) 'N', (byte) 'S');
                out.release();
            }
            channel.finishAndReleaseAll();
        }
        aStartupMessageIsRoutedByTheBranchItsOptionsName();
    }

    private static int pick(Random random) {
        int[] codes = {Protocol.PROTOCOL_3_0, Protocol.PROTOCOL_3_2, Protocol.SSL_REQUEST, Protocol.GSSENC_REQUEST,
                Protocol.CANCEL_REQUEST, random.nextInt()};
        return codes[random.nextInt(codes.length)];
    }

    static ByteBuf startup(Map<String, String> parameters) {
        return Protocol.startupMessage(io.netty.buffer.ByteBufAllocator.DEFAULT, Protocol.PROTOCOL_3_0,
                new java.util.LinkedHashMap<>(parameters));
    }

    static void assertError(EmbeddedChannel channel, String sqlState, String text) {
        ByteBuf out = channel.readOutbound();
        assertThat(out).as("an ErrorResponse").isNotNull();
        String body = out.toString(StandardCharsets.UTF_8);
        assertThat(out.getByte(0)).isEqualTo((byte) 'E');
        assertThat(body).contains("C" + sqlState).contains(text);
        out.release();
        assertThat(channel.isActive()).as("closed after the error").isFalse();
    }
}
