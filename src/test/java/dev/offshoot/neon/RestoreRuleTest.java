package dev.offshoot.neon;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.when;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.junit.jupiter.api.Test;

import dev.offshoot.branch.BranchStatus;
import dev.offshoot.branch.BranchView;
import dev.offshoot.error.OffshootException;
import dev.offshoot.template.Template;
import dev.offshoot.template.TemplateRevision;

class RestoreRuleTest {

    static final String DEFAULT = "br-calm-lake-00000001";
    static final String PR = "br-bold-sky-00000002";
    static final String COPY = "br-red-fog-00000003";

    static BranchView view(String name, int revision, String parentBranch) {
        return new BranchView("00000000-0000-0000-0000-00000000000" + name.length(), name, BranchStatus.READY, null,
                "shop", revision, parentBranch, Map.of(), "ci", Instant.EPOCH, null, Instant.EPOCH, false, null, null,
                new BranchView.Connection("localhost", 25000, "app", "app", null, "postgresql://app@localhost:25000/app",
                        "jdbc:postgresql://localhost:25000/app", null, null, null, null), null);
    }

    static Template template(int latest) {
        Template template = mock(Template.class);
        when(template.name()).thenReturn("shop");
        when(template.latestRevision()).thenReturn(Optional.of(new TemplateRevision(latest, "img", "id", 0, 0, "sql",
                Instant.EPOCH, "reflink", "/data", null)));
        return template;
    }

    final NeonBranches.Entry defaultBranch = new NeonBranches.Entry(DEFAULT, null, null);
    final NeonBranches.Entry pr = new NeonBranches.Entry(PR, DEFAULT, view("pr-1", 2, null));
    final NeonBranches.Entry copy = new NeonBranches.Entry(COPY, PR, view("pr-1-copy", 2, "pr-1"));

    NeonBranches.Catalog catalog(Template template) {
        return new NeonBranches.Catalog(template, List.of(defaultBranch, pr, copy));
    }

    static String code(NeonBranches.Entry entry, NeonRequests.RestoreBody body, NeonBranches.Catalog catalog,
            Template template) {
        try {
            RestoreRule.check(entry, body, catalog, template);
            return "RESET";
        } catch (OffshootException e) {
            return e.code();
        }
    }

    static NeonRequests.RestoreBody from(String source) {
        return new NeonRequests.RestoreBody(source, null, null, null);
    }

    @Test
    void aBranchOfTheLatestRevisionIsResetToItsParentsHeadByIdOrName() {
        Template template = template(2);
        assertThat(code(pr, from(DEFAULT), catalog(template), template)).isEqualTo("RESET");
        assertThat(code(pr, from(NeonBranches.DEFAULT_NAME), catalog(template), template)).isEqualTo("RESET");
    }

    @Test
    void aResetThatWouldNotGiveTheParentsHeadIsRefused() {
        Template newer = template(3);
        assertThat(code(pr, from(DEFAULT), catalog(newer), newer))
                .as("the template has a newer revision than the branch's").isEqualTo("RESTORE_NOT_SUPPORTED");
        Template template = template(2);
        assertThat(code(copy, from(PR), catalog(template), template))
                .as("a copy of a branch resets to the source's old state").isEqualTo("RESTORE_NOT_SUPPORTED");
        assertThat(code(pr, from(COPY), catalog(template), template)).as("another source")
                .isEqualTo("RESTORE_NOT_SUPPORTED");
        assertThat(code(pr, from(PR), catalog(template), template)).as("^self without a point in time")
                .isEqualTo("RESTORE_NOT_SUPPORTED");
    }

    @Test
    void pointsInTimeAndPreservedOldStatesAreNotSupported() {
        Template template = template(2);
        assertThat(code(pr, new NeonRequests.RestoreBody(DEFAULT, "0/16B3748", null, null), catalog(template),
                template)).isEqualTo("POINT_IN_TIME_NOT_SUPPORTED");
        assertThat(code(pr, new NeonRequests.RestoreBody(DEFAULT, null, null, "pr-1-old"), catalog(template),
                template)).isEqualTo("PRESERVE_NOT_SUPPORTED");
        assertThat(code(pr, null, catalog(template), template)).isEqualTo("SOURCE_REQUIRED");
    }
}
