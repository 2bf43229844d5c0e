package dev.offshoot.console;

import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Set;
import java.util.function.Predicate;
import java.util.stream.Collectors;

import dev.offshoot.branch.BranchStatus;
import dev.offshoot.branch.BranchView;

/**
 * What the console proposes to clean up: a pure function from the branches a caller sees (and the
 * names of revoked tokens) to groups of branch names, each with one bulk action. Like
 * {@code reaper/SweepSelection}, it decides nothing by itself: the console shows the group, the
 * person confirms, and every delete goes through the REST API with its scopes and audit.
 */
final class CleanupSuggestions {

    /** @param branches names, in the group's order (largest first for {@code largest}) */
    record Group(String key, String title, String why, List<String> branches, int protectedCount) {
    }

    record Settings(Duration idle, int largest) {
    }

    private CleanupSuggestions() {
    }

    static List<Group> of(List<BranchView> branches, Set<String> revokedTokens, Instant now, Settings settings) {
        Set<String> live = branches.stream().map(BranchView::name).collect(Collectors.toSet());
        Instant idleSince = now.minus(settings.idle());
        List<BranchView> largest = branches.stream()
                .filter(b -> b.diskUsageBytes() != null && b.diskUsageBytes() > 0)
                .sorted(Comparator.comparingLong(BranchView::diskUsageBytes).reversed())
                .limit(settings.largest()).toList();
        return List.of(
                group("expired-protected", "Expired but protected", "their TTL ran out, but protection keeps the"
                        + " reaper away", branches, b -> b.protectedBranch() && b.expiresAt() != null
                                && b.expiresAt().isBefore(now)),
                group("idle", "Idle longer than " + settings.idle().toDays() + " days", "no connection or"
                        + " change for more than " + settings.idle().toDays() + " days", branches, b -> lastActivity(b).isBefore(idleSince)),
                group("failed", "Failed", "they never became ready or a reset failed", branches,
                        b -> b.status() == BranchStatus.FAILED),
                group("parent-deleted", "Parent deleted", "they were branched from a branch that is gone",
                        branches, b -> b.parentBranch() != null && !live.contains(b.parentBranch())),
                group("largest", "Largest by own disk", "at most " + settings.largest() + " branches whose own"
                        + " layer uses the most disk (as far as measured)", largest, b -> true),
                group("revoked-creator", "Created by a revoked token", "whoever made them can no longer"
                        + " manage them", branches, b -> revokedTokens.contains(b.createdBy())));
    }

    private static Group group(String key, String title, String why, List<BranchView> branches,
            Predicate<BranchView> member) {
        List<BranchView> members = branches.stream().filter(member).toList();
        return new Group(key, title, why, members.stream().map(BranchView::name).toList(),
                (int) members.stream().filter(BranchView::protectedBranch).count());
    }

    private static Instant lastActivity(BranchView b) {
        return b.lastActivityAt() != null ? b.lastActivityAt() : b.createdAt();
    }
}
