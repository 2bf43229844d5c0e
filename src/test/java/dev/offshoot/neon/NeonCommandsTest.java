package dev.offshoot.neon;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.eq;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.verifyNoInteractions;
import static org.mockito.Mockito.when;

import java.time.Instant;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.mockito.ArgumentCaptor;

import dev.offshoot.AsAdminCaller;
import dev.offshoot.branch.BranchOperations;
import dev.offshoot.branch.BranchStatus;
import dev.offshoot.branch.BranchView;
import dev.offshoot.branch.CreateBranchRequest;
import dev.offshoot.error.OffshootException;
import dev.offshoot.template.Template;

/** Starting and suspending endpoints: only what exists is done, and only when it does something. */
@ExtendWith(AsAdminCaller.class)
class NeonCommandsTest {

    static final String ID = "br-calm-lake-12345678";
    static final String ENDPOINT = NeonIds.endpointOf(ID);

    final BranchOperations branches = mock(BranchOperations.class);
    final NeonBranches catalog = mock(NeonBranches.class);
    final NeonOperations operations = mock(NeonOperations.class);
    final NeonCommands commands = new NeonCommands(branches, catalog, mock(NeonObjects.class), operations);
    final Template template = mock(Template.class);

    static BranchView view(BranchStatus status) {
        return new BranchView("00000000-0000-0000-0000-000000000001", "pr-1", status, null, "shop", 1, null, Map.of(),
                "ci", Instant.EPOCH, null, Instant.EPOCH, false, null, null, new BranchView.Connection("localhost",
                25000, "app", "app", null, "postgresql://app@localhost:25000/app", "jdbc:postgresql://localhost:25000/app", null, null, null, null),
                null);
    }

    void project(BranchStatus status) {
        when(template.name()).thenReturn("shop");
        when(catalog.of(template)).thenReturn(new NeonBranches.Catalog(template, List.of(
                new NeonBranches.Entry("br-dry-fog-00000000", null, null), new NeonBranches.Entry(ID, null, view(status)))));
    }

    @Test
    void anEndpointShowsTheBranchsOwnIdleSuspensionAsNeonsSuspendTimeout() {
        BranchView v = view(BranchStatus.READY);
        assertThat(NeonShapes.suspendTimeoutSeconds(withIdle(v, "PT10M", "branch"))).isEqualTo(600);
        assertThat(NeonShapes.suspendTimeoutSeconds(withIdle(v, "PT0S", "branch"))).as("never").isEqualTo(-1);
        assertThat(NeonShapes.suspendTimeoutSeconds(withIdle(v, "PT1H", "template"))).as("the default").isZero();
        assertThat(NeonShapes.suspendTimeoutSeconds(v)).isZero();
    }

    static BranchView withIdle(BranchView b, String idleSuspend, String from) {
        return new BranchView(b.id(), b.name(), b.status(), b.created(), b.template(), b.templateRevision(),
                b.parentBranch(), b.labels(), b.createdBy(), b.createdAt(), b.expiresAt(), b.lastActivityAt(),
                b.protectedBranch(), b.failureReason(), b.diskUsageBytes(), b.connection(), b.readOnlyConnection(),
                idleSuspend, from);
    }

    @Test
    void aSuspendedEndpointIsWoken() {
        project(BranchStatus.SUSPENDED);
        when(branches.wake("pr-1")).thenReturn(view(BranchStatus.READY));
        NeonModel.Operation started = new NeonModel.Operation("op", "shop", ID, ENDPOINT, "start_compute", "finished",
                0, Instant.EPOCH, Instant.EPOCH, 1);
        when(operations.finished(eq(template), any(), eq(List.of(new NeonOperations.Step("start_compute", ID,
                ENDPOINT))))).thenReturn(List.of(started));

        NeonModel.EndpointOperations answer = commands.start(template, ENDPOINT);

        verify(branches).wake("pr-1");
        assertThat(answer.endpoint().currentState()).isEqualTo("active");
        assertThat(answer.operations()).containsExactly(started);
    }

    @Test
    void aRunningEndpointIsSuspendedAndASuspendedOneLeftAsItIs() {
        project(BranchStatus.READY);
        when(branches.suspend("pr-1")).thenReturn(view(BranchStatus.SUSPENDED));
        NeonModel.Operation suspended = new NeonModel.Operation("op", "shop", ID, ENDPOINT, "suspend_compute",
                "finished", 0, Instant.EPOCH, Instant.EPOCH, 1);
        when(operations.finished(eq(template), any(), eq(List.of(new NeonOperations.Step("suspend_compute", ID,
                ENDPOINT))))).thenReturn(List.of(suspended));

        NeonModel.EndpointOperations answer = commands.suspend(template, ENDPOINT);

        assertThat(answer.endpoint().currentState()).isEqualTo("idle");
        assertThat(answer.operations()).containsExactly(suspended);
        project(BranchStatus.SUSPENDED);
        assertThat(commands.suspend(template, ENDPOINT).operations()).isEmpty();
        verify(branches).suspend("pr-1");
    }

    @Test
    void aRunningEndpointIsLeftAsItIsWithoutAnOperation() {
        project(BranchStatus.READY);
        NeonModel.EndpointOperations answer = commands.start(template, ENDPOINT);
        assertThat(answer.operations()).isEmpty();
        assertThat(answer.endpoint().currentState()).isEqualTo("active");
        verifyNoInteractions(branches, operations);
    }

    @Test
    void aFailedOrStartingEndpointIsNotStarted() {
        project(BranchStatus.FAILED);
        assertThatThrownBy(() -> commands.start(template, ENDPOINT)).isInstanceOf(OffshootException.class)
                .satisfies(e -> assertThat(((OffshootException) e).code()).isEqualTo("BRANCH_BUSY"));
        assertThatThrownBy(() -> commands.start(template, "ep-dry-fog-00000000")).as("the default branch has none")
                .isInstanceOf(OffshootException.class)
                .satisfies(e -> assertThat(((OffshootException) e).code()).isEqualTo("ENDPOINT_NOT_FOUND"));
        verifyNoInteractions(branches, operations);
    }
}
