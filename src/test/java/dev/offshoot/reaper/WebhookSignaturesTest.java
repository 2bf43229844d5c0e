package dev.offshoot.reaper;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;

import org.junit.jupiter.api.Test;

class WebhookSignaturesTest {

    static final byte[] BODY = "{\"action\":\"closed\"}".getBytes(StandardCharsets.UTF_8);

    @Test
    void acceptsGithubsOwnExample() {
        // the example of GitHub's "Validating webhook deliveries" documentation
        assertThat(WebhookSignatures.validGithub("It's a Secret to Everybody",
                "Hello, World!".getBytes(StandardCharsets.UTF_8),
                "sha256=757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17")).isTrue();
    }

    @Test
    void rejectsWrongSecretAlteredBodyAndMalformedHeaders() {
        String header = WebhookSignatures.githubHeader("secret", BODY);
        assertThat(WebhookSignatures.validGithub("secret", BODY, header)).isTrue();
        assertThat(WebhookSignatures.validGithub("other", BODY, header)).isFalse();
        assertThat(WebhookSignatures.validGithub("secret", "{\"action\":\"opened\"}".getBytes(), header)).isFalse();
        assertThat(WebhookSignatures.validGithub("secret", BODY, null)).isFalse();
        assertThat(WebhookSignatures.validGithub("secret", BODY, "sha1=abc")).isFalse();
        assertThat(WebhookSignatures.validGithub("secret", BODY, "sha256=not-hex")).isFalse();
        assertThat(WebhookSignatures.validGithub("secret", BODY, header.substring(0, header.length() - 2))).isFalse();
    }

    @Test
    void unsetSecretAcceptsNothing() {
        assertThat(WebhookSignatures.validGithub("", BODY, WebhookSignatures.githubHeader("x", BODY))).isFalse();
        assertThat(WebhookSignatures.validGitlab("", "")).isFalse();
    }

    @Test
    void gitlabTokenMustMatchExactly() {
        assertThat(WebhookSignatures.validGitlab("tok", "tok")).isTrue();
        assertThat(WebhookSignatures.validGitlab("tok", "tok2")).isFalse();
        assertThat(WebhookSignatures.validGitlab("tok", null)).isFalse();
    }
}
