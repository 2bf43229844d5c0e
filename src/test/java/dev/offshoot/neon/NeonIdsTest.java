package dev.offshoot.neon;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashSet;
import java.util.Set;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;

import dev.offshoot.naming.Names;

class NeonIdsTest {

    /** neonctl's looksLikeBranchId: "br-" and three lowercase alphanumeric parts. */
    static final Pattern NEONCTL = Pattern.compile("^[a-z0-9]+-[a-z0-9]+-[a-z0-9]+$");
    /** create-branch-action's isBranchId: the two middle parts letters only. */
    static final Pattern CREATE_ACTION = Pattern.compile("^[a-z]+-[a-z]+-[a-z0-9]+$");

    @Test
    void branchIdsAreTakenForIdsByNeonctlAndTheCreateActionAndAreValidBranchNames() {
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < 2000; i++) {
            String id = NeonIds.newBranchId();
            assertThat(id).startsWith("br-").matches("br-[a-z]+-[a-z]+-[0-9]{8}");
            assertThat(NEONCTL.matcher(id.substring(3)).matches()).isTrue();
            assertThat(CREATE_ACTION.matcher(id.substring(3)).matches()).isTrue();
            assertThat(NeonIds.isBranchId(id)).isTrue();
            // a branch created without a name is named after its id
            assertThat(Names.requireResourceName("branch", id)).isEqualTo(id);
            seen.add(id);
        }
        assertThat(seen).as("random, not a sequence").hasSizeGreaterThan(1990);
    }

    @Test
    void anEndpointIdIsItsBranchIdsPartsAndLeadsBackToIt() {
        String id = NeonIds.newBranchId();
        String endpoint = NeonIds.endpointOf(id);
        assertThat(endpoint).startsWith("ep-").endsWith(id.substring(3));
        assertThat(NeonIds.branchOf(endpoint)).isEqualTo(id);
        assertThat(NeonIds.branchOf(id)).isNull();
        assertThat(NeonIds.branchOf("ep-../../x")).isNull();
    }

    @Test
    void aProjectIdIsATemplateNameOfAtMostSixtyCharacters() {
        assertThat(NeonIds.isProjectId("pagila")).isTrue();
        assertThat(NeonIds.isProjectId("a".repeat(60))).isTrue();
        assertThat(NeonIds.isProjectId("a".repeat(61))).isFalse();
        assertThat(NeonIds.isProjectId("Pagila")).isFalse();
        assertThat(NeonIds.isProjectId(null)).isFalse();
    }

    @Test
    void namesThatAreNotIdsAreNotTakenForIds() {
        assertThat(NeonIds.isBranchId("pr-123")).isFalse();
        assertThat(NeonIds.isBranchId("br-main")).isFalse();
        assertThat(NeonIds.isBranchId(NeonBranches.DEFAULT_NAME)).isFalse();
    }
}
