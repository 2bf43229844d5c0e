package dev.offshoot.reaper;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;

import org.junit.jupiter.api.Test;

import dev.offshoot.config.ReaperProperties.ReapOn;
import dev.offshoot.reaper.PullRequestEvents.ClosedPullRequest;

class PullRequestEventsTest {

    static byte[] json(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void mergedGithubPullRequest() {
        assertThat(PullRequestEvents.github(json("""
                {"action":"closed","number":42,"pull_request":{"number":42,"merged":true},
                 "repository":{"full_name":"acme/shop"}}"""))).contains(new ClosedPullRequest("acme/shop", "42", true));
    }

    @Test
    void closedUnmergedReapsOnlyWhenConfigured() {
        ClosedPullRequest pr = PullRequestEvents.github(json("""
                {"action":"closed","pull_request":{"number":7,"merged":false},"repository":{"full_name":"a/b"}}"""))
                .orElseThrow();
        assertThat(pr).isEqualTo(new ClosedPullRequest("a/b", "7", false));
        assertThat(pr.reaps(ReapOn.MERGED)).isFalse();
        assertThat(pr.reaps(ReapOn.CLOSED)).isTrue();
    }

    @Test
    void otherActionsAreIgnored() {
        assertThat(PullRequestEvents.github(json("{\"action\":\"opened\",\"number\":1}"))).isEmpty();
        assertThat(PullRequestEvents.gitlab(json("{\"object_kind\":\"push\"}"))).isEmpty();
        assertThat(PullRequestEvents.gitlab(json("""
                {"object_kind":"merge_request","object_attributes":{"action":"update","iid":3}}"""))).isEmpty();
    }

    @Test
    void gitlabMergeAndClose() {
        String hook = """
                {"object_kind":"merge_request","project":{"path_with_namespace":"grp/app"},
                 "object_attributes":{"action":"%s","iid":12}}""";
        assertThat(PullRequestEvents.gitlab(json(hook.formatted("merge"))))
                .contains(new ClosedPullRequest("grp/app", "12", true));
        assertThat(PullRequestEvents.gitlab(json(hook.formatted("close"))))
                .contains(new ClosedPullRequest("grp/app", "12", false));
    }

    @Test
    void malformedPayloadsAreRejected() {
        assertThatThrownBy(() -> PullRequestEvents.github(json("not json"))).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> PullRequestEvents.github(json("[]"))).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> PullRequestEvents.github(json("{\"action\":\"closed\"}")))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
