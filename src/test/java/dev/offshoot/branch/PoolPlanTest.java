package dev.offshoot.branch;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.UUID;

import org.junit.jupiter.api.Test;

import dev.offshoot.branch.PoolPlan.Member;
import dev.offshoot.branch.PoolPlan.Wanted;

class PoolPlanTest {

    private static final UUID SHOP = UUID.randomUUID();
    private static final UUID BLOG = UUID.randomUUID();

    private static Member member(UUID template, int revision, BranchStatus status) {
        UUID id = UUID.randomUUID();
        return new Member(id, "_pool-" + id.toString().substring(0, 8), template, revision, status);
    }

    @Test
    void anEmptyPoolStartsUpToItsSizeWithinTheBudget() {
        PoolPlan plan = PoolPlan.of(List.of(new Wanted(SHOP, 1, 3)), List.of(), 0, 0, 2);

        assertThat(plan.discard()).isEmpty();
        assertThat(plan.start()).hasSize(2).allMatch(w -> w.templateId().equals(SHOP));
    }

    @Test
    void membersStartingCountAsMembers() {
        PoolPlan plan = PoolPlan.of(List.of(new Wanted(SHOP, 1, 2)),
                List.of(member(SHOP, 1, BranchStatus.POOLED), member(SHOP, 1, BranchStatus.CREATING)), 0, 0, 5);

        assertThat(plan.isEmpty()).isTrue();
    }

    @Test
    void aNewRevisionReplacesTheMembersOfTheOldOne() {
        Member old = member(SHOP, 1, BranchStatus.POOLED);

        PoolPlan plan = PoolPlan.of(List.of(new Wanted(SHOP, 2, 1)), List.of(old), 0, 0, 5);

        assertThat(plan.discard()).containsExactly(old);
        assertThat(plan.start()).containsExactly(new Wanted(SHOP, 2, 1));
    }

    @Test
    void aShrunkPoolDiscardsItsNewestSurplusAndAGoneTemplateEverything() {
        Member oldest = member(SHOP, 1, BranchStatus.POOLED);
        Member newest = member(SHOP, 1, BranchStatus.POOLED);
        Member orphan = member(BLOG, 4, BranchStatus.POOLED);

        PoolPlan plan = PoolPlan.of(List.of(new Wanted(SHOP, 1, 1)), List.of(oldest, newest, orphan), 0, 0, 5);

        assertThat(plan.discard()).containsExactly(newest, orphan);
        assertThat(plan.start()).isEmpty();
    }

    @Test
    void sizeZeroDrainsThePool() {
        Member a = member(SHOP, 1, BranchStatus.POOLED);
        Member b = member(SHOP, 1, BranchStatus.POOLED);

        PoolPlan plan = PoolPlan.of(List.of(new Wanted(SHOP, 1, 0)), List.of(a, b), 0, 0, 5);

        assertThat(plan.discard()).containsExactly(a, b);
    }

    @Test
    void theServicesTotalOfLiveBranchesCapsTheFill() {
        PoolPlan plan = PoolPlan.of(List.of(new Wanted(SHOP, 1, 5)), List.of(member(SHOP, 1, BranchStatus.POOLED)),
                8, 10, 5);

        assertThat(plan.start()).hasSize(1);
    }

    @Test
    void aFullServiceStartsNothing() {
        PoolPlan plan = PoolPlan.of(List.of(new Wanted(SHOP, 1, 5)), List.of(), 10, 10, 5);

        assertThat(plan.start()).isEmpty();
    }
}
