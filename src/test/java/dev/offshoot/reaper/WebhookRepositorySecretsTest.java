package dev.offshoot.reaper;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.anyString;
import static org.mockito.ArgumentMatchers.eq;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.never;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.when;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.mock.web.MockHttpServletRequest;

import dev.offshoot.config.ReaperProperties;
import dev.offshoot.error.OffshootException;

/** Per-repository webhook secrets and replays, with real HMAC-SHA256 signatures. */
class WebhookRepositorySecretsTest {

    final WebhookDeliveries deliveries = mock(WebhookDeliveries.class);
    final PullRequestReaper reaper = mock(PullRequestReaper.class);

    @BeforeEach
    void acceptEveryDelivery() {
        when(deliveries.claim(anyString(), anyString(), anyString(), any())).thenReturn(true);
        when(reaper.reap(any(), anyString(), anyString())).thenReturn(new PullRequestReaper.Result(List.of("b"),
                List.of()));
    }

    @Test
    void aDeliverySignedWithAnotherRepositorysSecretIsRefused() {
        WebhookController controller = controller("shared", Map.of("acme/a", "secret-a", "acme/b", "secret-b"));
        byte[] closed = closed("acme/a", null);

        assertRefused(() -> github(controller, closed, "secret-b"));
        assertRefused(() -> github(controller, closed, "shared"));
        verify(reaper, never()).reap(any(), anyString(), anyString());
        assertThat(github(controller, closed, "secret-a").outcome()).isEqualTo("reaped");
    }

    @Test
    void aRepositoryWithoutItsOwnSecretUsesTheSharedOneOnlyWhenOneIsSet() {
        byte[] closed = closed("acme/other", null);

        assertThat(github(controller("shared", Map.of("acme/a", "secret-a")), closed, "shared").outcome())
                .isEqualTo("reaped");
        assertRefused(() -> github(controller("", Map.of("acme/a", "secret-a")), closed, "a-guess"));
        assertRefused(() -> github(controller("", Map.of("acme/a", "secret-a")), closed, "secret-a"));
    }

    @Test
    void anOwnersSecretServesItsRepositoriesWhateverTheirCase() {
        WebhookController controller = controller("shared", Map.of("Acme", "org-secret", "acme/Special", "own"));

        assertThat(github(controller, closed("ACME/shop", null), "org-secret").outcome()).isEqualTo("reaped");
        assertRefused(() -> github(controller, closed("acme/special", null), "org-secret"));
        assertThat(github(controller, closed("acme/special", null), "own").outcome()).isEqualTo("reaped");
    }

    @Test
    void aGitlabProjectWithItsOwnTokenRefusesTheSharedOne() {
        ReaperProperties properties = properties("", "shared-token", Map.of(), Map.of("grp/app", "app-token"));
        WebhookController controller = new WebhookController(properties, deliveries, reaper);
        byte[] merged = ("{\"object_kind\":\"merge_request\",\"project\":{\"path_with_namespace\":\"grp/app\"},"
                + "\"object_attributes\":{\"action\":\"merge\",\"iid\":5}}").getBytes(StandardCharsets.UTF_8);

        assertRefused(() -> controller.gitlab(request(merged), "shared-token", "Merge Request Hook", "g1"));
        assertThat(controller.gitlab(request(merged), "app-token", "Merge Request Hook", "g2").outcome())
                .isEqualTo("reaped");
    }

    @Test
    void aRepeatedDeliveryIsAnsweredAsADuplicateAndDoesNothing() {
        WebhookController controller = controller("shared", Map.of());
        byte[] closed = closed("acme/shop", null);
        when(deliveries.claim(eq("github"), anyString(), anyString(), eq(closed))).thenReturn(false);

        assertThat(github(controller, closed, "shared").outcome()).isEqualTo("duplicate");
        verify(reaper, never()).reap(any(), anyString(), anyString());
    }

    @Test
    void aSignedEventClosedBeforeTheDeliveryWindowIsStaleAndDoesNothing() {
        WebhookController controller = controller("shared", Map.of());
        byte[] old = closed("acme/shop", Instant.now().minus(Duration.ofDays(8)));
        byte[] recent = closed("acme/shop", Instant.now().minus(Duration.ofDays(6)));

        assertThat(github(controller, old, "shared").outcome()).isEqualTo("stale");
        verify(deliveries, never()).claim(anyString(), anyString(), anyString(), eq(old));
        verify(reaper, never()).reap(any(), anyString(), anyString());
        assertThat(github(controller, recent, "shared").outcome()).isEqualTo("reaped");
    }

    private WebhookController controller(String shared, Map<String, String> own) {
        return new WebhookController(properties(shared, "", own, Map.of()), deliveries, reaper);
    }

    private static ReaperProperties properties(String github, String gitlab, Map<String, String> githubSecrets,
            Map<String, String> gitlabTokens) {
        return new ReaperProperties(github, gitlab, ReaperProperties.ReapOn.MERGED, Duration.ofMinutes(1),
                Duration.ZERO, Duration.ZERO, Duration.ZERO, ReaperProperties.IdleAction.DELETE, 20,
                Duration.ofMinutes(2), ReaperProperties.MissingContainerAction.RECREATE, 20, githubSecrets,
                gitlabTokens, Duration.ofDays(7), Duration.ofDays(30));
    }

    private static WebhookController.WebhookResult github(WebhookController controller, byte[] body, String secret) {
        return controller.github(request(body), WebhookSignatures.githubHeader(secret, body), "pull_request",
                "d-" + System.nanoTime());
    }

    private static void assertRefused(Runnable call) {
        assertThatThrownBy(call::run).isInstanceOfSatisfying(OffshootException.class, e -> {
            assertThat(e.kind()).isEqualTo(OffshootException.Kind.UNAUTHENTICATED);
            assertThat(e.code()).isEqualTo("INVALID_SIGNATURE");
        });
    }

    private static byte[] closed(String repo, Instant closedAt) {
        return ("{\"action\":\"closed\",\"number\":1,\"pull_request\":{\"number\":1,\"merged\":true"
                + (closedAt == null ? "" : ",\"closed_at\":\"" + closedAt + "\"") + "},\"repository\":{\"full_name\":\""
                + repo + "\"}}").getBytes(StandardCharsets.UTF_8);
    }

    private static MockHttpServletRequest request(byte[] body) {
        MockHttpServletRequest request = new MockHttpServletRequest("POST", "/api/v1/webhooks/github");
        request.setContent(body);
        return request;
    }
}
