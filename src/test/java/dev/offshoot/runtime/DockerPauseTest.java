package dev.offshoot.runtime;

import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.mockito.Mockito.doThrow;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.times;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.when;

import org.junit.jupiter.api.Test;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.command.PauseContainerCmd;
import com.github.dockerjava.api.exception.InternalServerErrorException;
import com.github.dockerjava.api.exception.NotFoundException;

/** A pause runc refuses because a process is in an uninterruptible wait is tried again; others are not. */
class DockerPauseTest {

    static final String FREEZE_REFUSED = "Cannot pause container c1: OCI runtime pause failed: unable to freeze: unknown";

    final DockerClient docker = mock(DockerClient.class);
    final PauseContainerCmd pause = mock(PauseContainerCmd.class);
    final DockerRuntime runtime = new DockerRuntime(docker, new ContainerBox(0, 0, 0), null, null, null, null);

    DockerPauseTest() {
        when(docker.pauseContainerCmd("c1")).thenReturn(pause);
    }

    @Test
    void aRefusedFreezeIsTriedAgainUntilItWorks() {
        doThrow(new InternalServerErrorException(FREEZE_REFUSED))
                .doThrow(new InternalServerErrorException(FREEZE_REFUSED)).doNothing().when(pause).exec();

        runtime.pause("c1");

        verify(pause, times(3)).exec();
    }

    @Test
    void aFreezeRefusedEveryTimeFailsInTheEnd() {
        doThrow(new InternalServerErrorException(FREEZE_REFUSED)).when(pause).exec();

        assertThatThrownBy(() -> runtime.pause("c1")).hasMessageContaining("unable to freeze");

        verify(pause, times(6)).exec();
    }

    @Test
    void otherRefusalsAreNotTriedAgain() {
        doThrow(new NotFoundException("No such container: c1")).when(pause).exec();

        assertThatThrownBy(() -> runtime.pause("c1")).isInstanceOf(NotFoundException.class);

        verify(pause, times(1)).exec();
    }
}
