package dev.offshoot.reaper;

import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Optional;

import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import dev.offshoot.config.ReaperProperties.ReapOn;

/**
 * Reads the pull (merge) request events that end a PR from GitHub and GitLab payloads. Branches
 * are matched by their labels {@code repo} (owner/name, GitLab's path_with_namespace) and {@code pr}.
 */
final class PullRequestEvents {

    /**
     * A pull request that was closed; merged tells whether it was merged.
     *
     * @param closedAt when it was closed, as the (signed) payload says; null when it does not say
     */
    record ClosedPullRequest(String repo, String number, boolean merged, Instant closedAt) {

        ClosedPullRequest(String repo, String number, boolean merged) {
            this(repo, number, merged, null);
        }

        boolean reaps(ReapOn reapOn) {
            return merged || reapOn == ReapOn.CLOSED;
        }

        boolean closedBefore(Instant instant) {
            return closedAt != null && closedAt.isBefore(instant);
        }
    }

    private PullRequestEvents() {
    }

    /** A GitHub {@code pull_request} event with action {@code closed}; empty for every other action. */
    static Optional<ClosedPullRequest> github(byte[] body) {
        JsonNode root = parse(body);
        if (!"closed".equals(text(root.path("action")))) {
            return Optional.empty();
        }
        String repo = text(root.path("repository").path("full_name"));
        JsonNode number = root.has("number") ? root.get("number") : root.path("pull_request").path("number");
        if (repo == null || !number.isNumber()) {
            throw new IllegalArgumentException("pull_request payload without repository.full_name or number");
        }
        return Optional.of(new ClosedPullRequest(repo, number.asString(),
                root.path("pull_request").path("merged").asBoolean(false),
                instant(text(root.path("pull_request").path("closed_at")))));
    }

    /**
     * The repository (GitHub {@code repository.full_name}) or project (GitLab
     * {@code project.path_with_namespace}) a delivery is about, read before its signature is
     * checked, to choose the secret to check it with; empty when the body does not say.
     */
    static Optional<String> repository(byte[] body) {
        try {
            JsonNode root = parse(body);
            return Optional.ofNullable(text(root.path("repository").path("full_name")))
                    .or(() -> Optional.ofNullable(text(root.path("project").path("path_with_namespace"))));
        } catch (IllegalArgumentException notJson) {
            return Optional.empty();
        }
    }

    private static Instant instant(String text) {
        try {
            return text == null ? null : Instant.parse(text);
        } catch (DateTimeParseException e) {
            return null;
        }
    }

    /** A GitLab merge request hook with action {@code merge} or {@code close}; empty otherwise. */
    static Optional<ClosedPullRequest> gitlab(byte[] body) {
        JsonNode root = parse(body);
        if (!"merge_request".equals(text(root.path("object_kind")))) {
            return Optional.empty();
        }
        JsonNode attributes = root.path("object_attributes");
        String action = text(attributes.path("action"));
        if (!"merge".equals(action) && !"close".equals(action)) {
            return Optional.empty();
        }
        String repo = text(root.path("project").path("path_with_namespace"));
        JsonNode iid = attributes.path("iid");
        if (repo == null || !iid.isNumber()) {
            throw new IllegalArgumentException("merge_request payload without project.path_with_namespace or iid");
        }
        return Optional.of(new ClosedPullRequest(repo, iid.asString(), "merge".equals(action)));
    }

    private static JsonNode parse(byte[] body) {
        try {
            JsonNode root = JsonMapper.shared().readTree(body);
            if (root == null || !root.isObject()) {
                throw new IllegalArgumentException("the payload is not a JSON object");
            }
            return root;
        } catch (JacksonException e) {
            throw new IllegalArgumentException("the payload is not JSON: " + e.getOriginalMessage());
        }
    }

    private static String text(JsonNode node) {
        return node == null || !node.isString() ? null : node.asString();
    }
}
