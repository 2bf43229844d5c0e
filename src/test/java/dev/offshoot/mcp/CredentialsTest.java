package dev.offshoot.mcp;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** Where MCP results tell an agent's shell to find a branch's password. */
class CredentialsTest {

    @Test
    void passwordFromNamesOnlyWaysThatKeepThePasswordOutOfTheTranscript() {
        String from = Credentials.passwordFrom("pr-7");

        assertThat(from).contains("offshoot connection-string pr-7 --env-file .env");
        // a command whose output is the password (or a JSON answer holding it) lands in the model's context
        assertThat(from).doesNotContain("curl", "connection.password", "cat .env", "echo $", "printenv",
                "connection-string pr-7`");
    }
}
