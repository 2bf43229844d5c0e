package dev.offshoot.branch;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * What the warm-pool filler should do, from what it observed: which parked members to discard
 * (their template is gone, its pool shrank, or it has a newer revision) and which templates get a
 * new member, within the per-tick budget and the service's total of live branches.
 */
record PoolPlan(List<Member> discard, List<Wanted> start) {

    /** A template's pool as configured: {@code poolSize} members of {@code latestRevision}. */
    record Wanted(UUID templateId, int latestRevision, int poolSize) {
    }

    /** A pool member: parked ({@code POOLED}) or still starting ({@code CREATING}). */
    record Member(UUID id, String name, UUID templateId, int revision, BranchStatus status) {
    }

    /**
     * @param liveBranches live branches that count against {@code maxLive} (members excluded)
     * @param maxLive      the service's total of live branches, members included; 0 means no limit
     * @param startBudget  most members started in one tick
     */
    static PoolPlan of(List<Wanted> wanted, List<Member> members, long liveBranches, int maxLive, int startBudget) {
        Map<UUID, Wanted> byTemplate = wanted.stream().collect(Collectors.toMap(Wanted::templateId,
                Function.identity()));
        List<Member> discard = new ArrayList<>();
        Map<UUID, Integer> kept = new HashMap<>();
        for (Member member : members) {
            Wanted w = byTemplate.get(member.templateId());
            boolean current = w != null && member.revision() == w.latestRevision();
            int count = kept.getOrDefault(member.templateId(), 0);
            if (current && count < w.poolSize()) {
                kept.put(member.templateId(), count + 1);
            } else if (member.status() == BranchStatus.POOLED) {
                discard.add(member);
            } else {
                // a member still starting is discarded once parked, on a later tick
                kept.merge(member.templateId(), current ? 1 : 0, Integer::sum);
            }
        }
        long total = liveBranches + members.size() - discard.size();
        long room = maxLive <= 0 ? Long.MAX_VALUE : Math.max(0, maxLive - total);
        List<Wanted> start = new ArrayList<>();
        for (Wanted w : wanted) {
            for (int i = kept.getOrDefault(w.templateId(), 0); i < w.poolSize(); i++) {
                if (start.size() >= startBudget || start.size() >= room) {
                    return new PoolPlan(discard, start);
                }
                start.add(w);
            }
        }
        return new PoolPlan(discard, start);
    }

    boolean isEmpty() {
        return discard.isEmpty() && start.isEmpty();
    }
}
