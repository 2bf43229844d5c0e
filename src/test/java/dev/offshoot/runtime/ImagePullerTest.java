package dev.offshoot.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.anyString;
import static org.mockito.Mockito.RETURNS_DEEP_STUBS;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.never;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.when;

import java.time.Clock;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.command.PullImageCmd;
import com.github.dockerjava.api.command.PullImageResultCallback;
import com.github.dockerjava.api.exception.InternalServerErrorException;
import com.github.dockerjava.api.exception.NotFoundException;
import org.junit.jupiter.api.Test;

import dev.offshoot.error.OffshootException;

/** What the service does about a missing image, before any container exists. */
class ImagePullerTest {

    final DockerClient docker = mock(DockerClient.class, RETURNS_DEEP_STUBS);

    @Test
    void aFailedPullOfTheBaseImageNamesItsSettingAndTheLocalBuild() {
        missing("postgres:15");
        PullImageCmd pull = mock(PullImageCmd.class);
        when(docker.pullImageCmd("postgres")).thenReturn(pull);
        when(pull.withTag("15")).thenReturn(pull);
        when(pull.exec(any())).thenAnswer(call -> {
            PullImageResultCallback callback = call.getArgument(0);
            callback.onError(new InternalServerErrorException("Get \"https://registry-1.docker.io/v2/\": dial tcp: no route"));
            return callback;
        });

        assertThatThrownBy(() -> puller("postgres:15").pullMissing("postgres:15"))
                .isInstanceOfSatisfying(ImagePullFailedException.class, e -> {
                    assertThat(e.code()).isEqualTo("IMAGE_PULL_FAILED");
                    assertThat(e.kind()).isEqualTo(OffshootException.Kind.UPSTREAM_FAILED);
                    assertThat(e.getMessage()).contains("postgres:15", "no route", "offshoot.runtime.base-image",
                            "scripts/image/build-pg-image.sh");
                    assertThat(e.properties()).containsEntry("image", "postgres:15")
                            .containsEntry("setting", "offshoot.runtime.base-image");
                });
    }

    @Test
    void theLocalBuildIsReportedMissingWithoutAPull() {
        missing("offshoot/postgres:15-local");

        assertThatThrownBy(() -> puller("offshoot/postgres:15-local").pullMissing("offshoot/postgres:15-local"))
                .isInstanceOfSatisfying(ImageMissingException.class, e -> {
                    assertThat(e.code()).isEqualTo("IMAGE_NOT_FOUND");
                    assertThat(e.getMessage()).contains("offshoot.runtime.base-image", "scripts/image/build-pg-image.sh");
                });
        verify(docker, never()).pullImageCmd(anyString());
    }

    @Test
    void anImageThatIsThereAfterAllIsNotPulled() {
        assertThat(puller("postgres:15").pullMissing("postgres:15")).isFalse();
        verify(docker, never()).pullImageCmd(anyString());
    }

    @Test
    void aSuccessfulPullLetsTheCreateGoOn() {
        missing("postgres:15");
        PullImageCmd pull = mock(PullImageCmd.class);
        when(docker.pullImageCmd("postgres")).thenReturn(pull);
        when(pull.withTag("15")).thenReturn(pull);
        when(pull.exec(any())).thenAnswer(call -> {
            PullImageResultCallback callback = call.getArgument(0);
            callback.onComplete();
            return callback;
        });

        assertThat(puller("postgres:15").pullMissing("postgres:15")).isTrue();
    }

    private void missing(String image) {
        when(docker.inspectImageCmd(image).exec()).thenThrow(new NotFoundException("No such image: " + image));
    }

    private ImagePuller puller(String baseImage) {
        return new ImagePuller(docker, MissingImageTest.properties(baseImage, ""), java.util.Map.of(), Clock.systemUTC());
    }
}
