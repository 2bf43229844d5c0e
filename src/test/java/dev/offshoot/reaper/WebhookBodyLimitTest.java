package dev.offshoot.reaper;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.mockito.Mockito.mock;

import jakarta.servlet.ReadListener;
import jakarta.servlet.ServletInputStream;
import java.io.InputStream;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.Test;
import org.springframework.mock.web.MockHttpServletRequest;

import dev.offshoot.config.ReaperProperties;
import dev.offshoot.error.OffshootException;

/** Unauthenticated webhook bodies are bounded before the signature check reads them. */
class WebhookBodyLimitTest {

    final WebhookController controller = new WebhookController(new ReaperProperties("secret", "token",
            ReaperProperties.ReapOn.MERGED, Duration.ofMinutes(1), Duration.ZERO, Duration.ZERO, Duration.ZERO,
            ReaperProperties.IdleAction.DELETE, 20, Duration.ofMinutes(2),
            ReaperProperties.MissingContainerAction.RECREATE, 20, java.util.Map.of(), java.util.Map.of(),
            Duration.ofDays(7), Duration.ofDays(30)), mock(WebhookDeliveries.class),
            mock(PullRequestReaper.class));

    @Test
    void anAnnouncedHugeBodyIsRefusedWithoutReadingIt() {
        AtomicLong read = new AtomicLong();
        MockHttpServletRequest announced = body(endless(read), 2_000_000_000L);

        assertThatThrownBy(() -> controller.github(announced, "sha256=00", "pull_request", "d1"))
                .satisfies(e -> assertTooLarge((OffshootException) e));
        assertThat(read.get()).isZero();
    }

    @Test
    void anEndlessChunkedBodyIsCutAfterTheLimitAndBeforeTheSignatureCheck() {
        AtomicLong read = new AtomicLong();

        assertThatThrownBy(() -> controller.github(body(endless(read), -1), "sha256=00", "pull_request", "d2"))
                .satisfies(e -> assertTooLarge((OffshootException) e));
        assertThat(read.get()).isLessThanOrEqualTo(WebhookController.MAX_BODY_BYTES + 1L);
    }

    @Test
    void aGitlabHookWithAValidTokenIsBoundedToo() {
        AtomicLong read = new AtomicLong();

        assertThatThrownBy(() -> controller.gitlab(body(endless(read), -1), "token", "Merge Request Hook", "d3"))
                .satisfies(e -> assertTooLarge((OffshootException) e));
    }

    @Test
    void aBodyWithinTheLimitStillNeedsItsSignature() {
        MockHttpServletRequest small = new MockHttpServletRequest();
        small.setContent("{}".getBytes());

        assertThatThrownBy(() -> controller.github(small, "sha256=00", "pull_request", "d4"))
                .satisfies(e -> assertThat(((OffshootException) e).code()).isEqualTo("INVALID_SIGNATURE"));
    }

    private static void assertTooLarge(OffshootException e) {
        assertThat(e.kind()).isEqualTo(OffshootException.Kind.TOO_LARGE);
        assertThat(e.code()).isEqualTo("PAYLOAD_TOO_LARGE");
    }

    private static InputStream endless(AtomicLong read) {
        return new InputStream() {
            @Override
            public int read() {
                read.incrementAndGet();
                return 'x';
            }
        };
    }

    /** A request whose body is the stream; length -1 means chunked (not announced). */
    private static MockHttpServletRequest body(InputStream body, long length) {
        ServletInputStream stream = new ServletInputStream() {
            @Override
            public int read() throws java.io.IOException {
                return body.read();
            }

            @Override
            public boolean isFinished() {
                return false;
            }

            @Override
            public boolean isReady() {
                return true;
            }

            @Override
            public void setReadListener(ReadListener listener) {
            }
        };
        return new MockHttpServletRequest() {
            @Override
            public long getContentLengthLong() {
                return length;
            }

            @Override
            public ServletInputStream getInputStream() {
                return stream;
            }
        };
    }
}
