package dev.offshoot.neon;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

import dev.offshoot.error.OffshootException;

class BranchPagesTest {

    static final Instant T0 = Instant.parse("2025-01-01T00:00:00Z");

    static NeonModel.Branch branch(String id, String name, int createdMinute, int updatedMinute) {
        return new NeonModel.Branch(id, "p", null, name, "ready", null, "offshoot", false, false, false,
                T0.plusSeconds(60L * createdMinute), T0.plusSeconds(60L * updatedMinute), null, null, null);
    }

    static final List<NeonModel.Branch> BRANCHES = List.of(branch("br-a-a-1", "pr-1", 1, 9),
            branch("br-b-b-2", "pr-2", 2, 3), branch("br-c-c-3", "main-copy", 3, 7), branch("br-d-d-4", "pr-10", 4, 4));

    static List<String> names(BranchPages.Page page) {
        return page.branches().stream().map(NeonModel.Branch::name).toList();
    }

    @Test
    void withoutParametersEveryBranchComesNewestUpdateFirstOnOnePage() {
        BranchPages.Page page = BranchPages.page(BRANCHES, new BranchPages.Query(null, null, null, null, null));
        assertThat(names(page)).containsExactly("pr-1", "main-copy", "pr-10", "pr-2");
        assertThat(page.pagination().next()).isNull();
        assertThat(page.pagination().sortBy()).isEqualTo("updated_at");
        assertThat(page.pagination().sortOrder()).isEqualTo("desc");
    }

    @Test
    void aCursorWalksEveryBranchOnceEvenWhenOneIsDeletedBetweenPages() {
        List<NeonModel.Branch> live = new ArrayList<>(BRANCHES);
        List<String> walked = new ArrayList<>();
        String cursor = null;
        do {
            BranchPages.Page page = BranchPages.page(live, new BranchPages.Query(null, "name", "asc", cursor, 1));
            walked.addAll(names(page));
            cursor = page.pagination().next();
            // the branch just answered goes away before the next page is asked for
            live.removeIf(b -> b.name().equals(walked.getLast()));
        } while (cursor != null);
        assertThat(walked).containsExactly("main-copy", "pr-1", "pr-10", "pr-2");
    }

    @Test
    void searchMatchesPartOfANameOrAnId() {
        assertThat(names(BranchPages.page(BRANCHES, new BranchPages.Query("pr-1", "created_at", "asc", null, null))))
                .containsExactly("pr-1", "pr-10");
        assertThat(names(BranchPages.page(BRANCHES, new BranchPages.Query("c-c", null, null, null, null))))
                .containsExactly("main-copy");
    }

    @Test
    void aLimitOutsideNeonsRangeOrAnUnknownSortOrAForgedCursorIsABadRequest() {
        for (BranchPages.Query bad : List.of(new BranchPages.Query(null, null, null, null, 0),
                new BranchPages.Query(null, null, null, null, 10_001),
                new BranchPages.Query(null, "size", null, null, null),
                new BranchPages.Query(null, null, "up", null, null),
                new BranchPages.Query(null, null, null, "not-a-cursor", null))) {
            assertThatThrownBy(() -> BranchPages.page(BRANCHES, bad)).isInstanceOf(OffshootException.class)
                    .satisfies(e -> assertThat(((OffshootException) e).kind()).isEqualTo(OffshootException.Kind.INVALID));
        }
        assertThatThrownBy(() -> BranchPages.page(List.of(), new BranchPages.Query(null, "size", null, null, null)))
                .as("refused even when there is nothing to sort").isInstanceOf(OffshootException.class);
    }
}
