package dev.offshoot.reaper;

import jakarta.servlet.http.HttpServletRequest;
import java.io.IOException;
import java.io.InputStream;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

import dev.offshoot.config.ReaperProperties;
import dev.offshoot.error.OffshootException.Kind;
import dev.offshoot.error.OffshootException;
import dev.offshoot.reaper.PullRequestEvents.ClosedPullRequest;

/**
 * GitHub and GitLab webhooks. They authenticate by signature (GitHub) or token (GitLab), not by
 * the bearer token: the body is read (bounded), its repository names the secret to check it with
 * (the repository's own, else the shared one), and the signature is checked against the raw bytes
 * before anything else is done with them. A delivery is acted on once: a redelivery or replay
 * within the delivery window, by id or by body, answers {@code duplicate}; a signed GitHub event
 * older than the window answers {@code stale}; neither does anything.
 */
@RestController
@RequestMapping("/api/v1/webhooks")
class WebhookController {

    private static final Logger log = LoggerFactory.getLogger(WebhookController.class);

    /** GitHub caps deliveries at 25 MB but pull_request payloads are a few tens of KB; 1 MiB is ample. */
    static final int MAX_BODY_BYTES = 1024 * 1024;

    private final ReaperProperties properties;
    private final WebhookDeliveries deliveries;
    private final PullRequestReaper reaper;

    WebhookController(ReaperProperties properties, WebhookDeliveries deliveries, PullRequestReaper reaper) {
        this.properties = properties;
        this.deliveries = deliveries;
        this.reaper = reaper;
    }

    /** What Offshoot did with a delivery: pong, ignored, duplicate, stale or reaped. */
    record WebhookResult(String delivery, String event, String outcome, List<String> reaped, List<String> kept) {
    }

    @PostMapping("/github")
    WebhookResult github(HttpServletRequest request,
            @RequestHeader(name = "X-Hub-Signature-256", required = false) String signature,
            @RequestHeader(name = "X-GitHub-Event", required = false) String event,
            @RequestHeader(name = "X-GitHub-Delivery", required = false) String delivery) {
        byte[] payload = boundedBody(request);
        String secret = properties.githubSecretFor(PullRequestEvents.repository(payload).orElse(null)).orElse(null);
        if (!WebhookSignatures.validGithub(secret, payload, signature)) {
            throw unauthorized("missing or invalid X-Hub-Signature-256");
        }
        String id = delivery == null || delivery.isBlank() ? UUID.randomUUID().toString() : delivery;
        if ("ping".equals(event)) {
            return new WebhookResult(id, event, "pong", List.of(), List.of());
        }
        if (!"pull_request".equals(event)) {
            return new WebhookResult(id, event, "ignored", List.of(), List.of());
        }
        return handle("github", id, event, payload, parse(() -> PullRequestEvents.github(payload)));
    }

    @PostMapping("/gitlab")
    WebhookResult gitlab(HttpServletRequest request,
            @RequestHeader(name = "X-Gitlab-Token", required = false) String token,
            @RequestHeader(name = "X-Gitlab-Event", required = false) String event,
            @RequestHeader(name = "X-Gitlab-Event-UUID", required = false) String delivery) {
        byte[] payload = boundedBody(request);
        String expected = properties.gitlabTokenFor(PullRequestEvents.repository(payload).orElse(null)).orElse(null);
        if (!WebhookSignatures.validGitlab(expected, token)) {
            throw unauthorized("missing or invalid X-Gitlab-Token");
        }
        String id = delivery == null || delivery.isBlank() ? UUID.randomUUID().toString() : delivery;
        if (!"Merge Request Hook".equals(event)) {
            return new WebhookResult(id, event, "ignored", List.of(), List.of());
        }
        return handle("gitlab", id, event, payload, parse(() -> PullRequestEvents.gitlab(payload)));
    }

    private WebhookResult handle(String source, String id, String event, byte[] payload,
            Optional<ClosedPullRequest> closed) {
        if (closed.isEmpty()) {
            return new WebhookResult(id, event, "ignored", List.of(), List.of());
        }
        if (closed.get().closedBefore(Instant.now().minus(properties.deliveryWindow()))) {
            log.info("{} delivery {} closed {} #{} at {}, before the delivery window: nothing done", source, id,
                    closed.get().repo(), closed.get().number(), closed.get().closedAt());
            return new WebhookResult(id, event, "stale", List.of(), List.of());
        }
        if (!deliveries.claim(source, id, event, payload)) {
            log.info("{} delivery {} repeats one already handled (same id or same body): nothing done", source, id);
            return new WebhookResult(id, event, "duplicate", List.of(), List.of());
        }
        try {
            PullRequestReaper.Result result = reaper.reap(closed.get(), source, id);
            return new WebhookResult(id, event, "reaped", result.reaped(), result.kept());
        } catch (RuntimeException e) {
            deliveries.release(source, id);
            throw e;
        }
    }

    private static Optional<ClosedPullRequest> parse(java.util.function.Supplier<Optional<ClosedPullRequest>> parser) {
        try {
            return parser.get();
        } catch (IllegalArgumentException e) {
            throw OffshootException.invalid("INVALID_PAYLOAD", e.getMessage());
        }
    }

    /**
     * The body, refused past {@link #MAX_BODY_BYTES} before more is read: announced by
     * Content-Length, or counted while reading (chunked). The signature check needs the whole body,
     * so without this bound anyone could make the service buffer any amount of memory.
     */
    static byte[] boundedBody(HttpServletRequest request) {
        if (request.getContentLengthLong() > MAX_BODY_BYTES) {
            throw tooLarge();
        }
        try (InputStream in = request.getInputStream()) {
            byte[] body = in.readNBytes(MAX_BODY_BYTES + 1);
            if (body.length > MAX_BODY_BYTES) {
                throw tooLarge();
            }
            return body;
        } catch (IOException e) {
            throw OffshootException.invalid("INVALID_PAYLOAD", "the webhook body could not be read");
        }
    }

    private static OffshootException tooLarge() {
        return new OffshootException(Kind.TOO_LARGE, "PAYLOAD_TOO_LARGE", "a webhook body may have at most "
                + MAX_BODY_BYTES + " bytes", false);
    }

    private static OffshootException unauthorized(String detail) {
        return new OffshootException(Kind.UNAUTHENTICATED, "INVALID_SIGNATURE", detail, false);
    }
}
