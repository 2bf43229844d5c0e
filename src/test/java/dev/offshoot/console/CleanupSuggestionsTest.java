package dev.offshoot.console;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Collectors;

import org.junit.jupiter.api.Test;

import dev.offshoot.branch.BranchStatus;
import dev.offshoot.branch.BranchView;

class CleanupSuggestionsTest {

    static final Instant NOW = Instant.parse("2026-05-10T12:00:00Z");
    static final CleanupSuggestions.Settings SETTINGS = new CleanupSuggestions.Settings(Duration.ofDays(7), 2);

    static BranchView branch(String name, BranchStatus status, String parent, String creator, Instant expires,
            Instant lastActivity, boolean protect, Long disk) {
        return new BranchView(name + "-id", name, status, null, "main", 1, parent, Map.of(), creator,
                NOW.minus(Duration.ofDays(30)), expires, lastActivity, protect, null, disk, null, null);
    }

    static BranchView fresh(String name) {
        return branch(name, BranchStatus.READY, null, "ci", NOW.plusSeconds(3600), NOW, false, null);
    }

    private static Map<String, CleanupSuggestions.Group> groups(List<BranchView> branches, Set<String> revoked) {
        return CleanupSuggestions.of(branches, revoked, NOW, SETTINGS).stream()
                .collect(Collectors.toMap(CleanupSuggestions.Group::key, Function.identity()));
    }

    @Test
    void eachGroupTakesExactlyItsBranches() {
        List<BranchView> branches = List.of(
                fresh("ok"),
                branch("kept", BranchStatus.READY, null, "ci", NOW.minusSeconds(60), NOW, true, null),
                branch("expired-unprotected", BranchStatus.READY, null, "ci", NOW.minusSeconds(60), NOW, false, null),
                branch("idle", BranchStatus.READY, null, "ci", null, NOW.minus(Duration.ofDays(8)), false, null),
                branch("broken", BranchStatus.FAILED, null, "ci", null, NOW, false, null),
                branch("orphan", BranchStatus.READY, "gone", "ci", null, NOW, false, null),
                branch("child", BranchStatus.READY, "ok", "ci", null, NOW, false, null),
                branch("big", BranchStatus.READY, null, "ci", null, NOW, false, 5_000L),
                branch("bigger", BranchStatus.READY, null, "ci", null, NOW, false, 9_000L),
                branch("small", BranchStatus.READY, null, "ci", null, NOW, false, 10L),
                branch("by-leaver", BranchStatus.READY, null, "leaver", null, NOW, false, null));

        Map<String, CleanupSuggestions.Group> groups = groups(branches, Set.of("leaver"));

        assertThat(groups.get("expired-protected").branches()).containsExactly("kept");
        assertThat(groups.get("expired-protected").protectedCount()).isEqualTo(1);
        assertThat(groups.get("idle").branches()).containsExactly("idle");
        assertThat(groups.get("failed").branches()).containsExactly("broken");
        assertThat(groups.get("parent-deleted").branches()).containsExactly("orphan");
        assertThat(groups.get("largest").branches()).containsExactly("bigger", "big");
        assertThat(groups.get("revoked-creator").branches()).containsExactly("by-leaver");
    }

    @Test
    void aBranchWithoutActivityIsIdleSinceItsCreation() {
        BranchView neverUsed = branch("never-used", BranchStatus.READY, null, "ci", null, null, false, null);

        assertThat(groups(List.of(neverUsed), Set.of()).get("idle").branches()).containsExactly("never-used");
    }

    @Test
    void everyGroupIsListedEvenWhenEmpty() {
        assertThat(CleanupSuggestions.of(List.of(fresh("ok")), Set.of(), NOW, SETTINGS))
                .extracting(CleanupSuggestions.Group::key)
                .containsExactly("expired-protected", "idle", "failed", "parent-deleted", "largest", "revoked-creator")
                .allSatisfy(key -> assertThat(groups(List.of(fresh("ok")), Set.of()).get(key).branches()).isEmpty());
    }
}
