package dev.offshoot.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.Map;

import org.junit.jupiter.api.Test;

import dev.offshoot.error.OffshootException;

class IdleSuspendTest {

    @Test
    void settingsAreReadInTheTtlSpellingsAndZeroMeansNever() {
        assertThat(IdleSuspend.parse("5m")).isEqualTo(Duration.ofMinutes(5));
        assertThat(IdleSuspend.parse("PT1H")).isEqualTo(Duration.ofHours(1));
        assertThat(IdleSuspend.parse("0")).isZero();
        assertThat(IdleSuspend.parse("PT0S")).isZero();
        assertThat(IdleSuspend.parse(null)).isNull();
        assertThat(IdleSuspend.parse(" ")).isNull();
        assertThat(IdleSuspend.parse("90500ms")).as("kept to whole seconds").isEqualTo(Duration.ofSeconds(90));
    }

    @Test
    void negativeTinyHugeAndUnreadableSettingsAreRefusedWithAStableCode() {
        for (String bad : new String[] {"-5m", "PT-1H", "5s", "9999ms", "31d", "P400D", "soon", "5 minutes",
                "9999999999999999999999d"}) {
            assertThatThrownBy(() -> IdleSuspend.parse(bad)).as(bad).isInstanceOfSatisfying(OffshootException.class,
                    e -> assertThat(e.code()).isEqualTo("INVALID_IDLE_SUSPEND"));
        }
        assertThat(IdleSuspend.parse("10s")).isEqualTo(IdleSuspend.MIN);
        assertThat(IdleSuspend.parse("30d")).isEqualTo(IdleSuspend.MAX);
    }

    @Test
    void aChangeMayDropTheSettingButNotBeBlank() {
        assertThat(IdleSuspend.change("inherit")).isNull();
        assertThat(IdleSuspend.change("INHERIT")).isNull();
        assertThat(IdleSuspend.change("1h")).isEqualTo(Duration.ofHours(1));
        assertThatThrownBy(() -> IdleSuspend.change("")).isInstanceOfSatisfying(OffshootException.class,
                e -> assertThat(e.code()).isEqualTo("INVALID_IDLE_SUSPEND"));
    }

    @Test
    void theBranchsOwnSettingWinsThenItsTemplatesThenTheServices() {
        Duration service = Duration.ofMinutes(5);
        assertThat(IdleSuspend.of(Duration.ZERO, Duration.ofHours(1), service))
                .isEqualTo(new IdleSuspend.Effective(Duration.ZERO, IdleSuspend.From.BRANCH));
        assertThat(IdleSuspend.of(null, Duration.ofHours(1), service))
                .isEqualTo(new IdleSuspend.Effective(Duration.ofHours(1), IdleSuspend.From.TEMPLATE));
        assertThat(IdleSuspend.of(null, null, service))
                .isEqualTo(new IdleSuspend.Effective(service, IdleSuspend.From.SERVICE));
        assertThat(IdleSuspend.of(null, Duration.ZERO, service).iso()).isEqualTo("PT0S");
    }

    /** The deprecated alias: both used to suspend, and whichever came first did. */
    @Test
    void theReapersIdleStopActsAsTheServicesSettingWhenItIsTheShorter() {
        assertThat(IdleSuspend.service(gateway(Duration.ofMinutes(5)), reaper(Duration.ofHours(2), "STOP")))
                .isEqualTo(Duration.ofMinutes(5));
        assertThat(IdleSuspend.service(gateway(Duration.ofMinutes(5)), reaper(Duration.ofMinutes(2), "STOP")))
                .isEqualTo(Duration.ofMinutes(2));
        assertThat(IdleSuspend.service(gateway(Duration.ZERO), reaper(Duration.ofHours(2), "STOP")))
                .isEqualTo(Duration.ofHours(2));
        assertThat(IdleSuspend.service(gateway(Duration.ofMinutes(5)), reaper(Duration.ofMinutes(2), "DELETE")))
                .as("idle deletion is the reaper's own").isEqualTo(Duration.ofMinutes(5));
        assertThat(IdleSuspend.service(gateway(Duration.ZERO), reaper(Duration.ZERO, "STOP"))).isZero();
        assertThat(IdleSuspend.stopsIdle(reaper(Duration.ofHours(1), "STOP"))).isTrue();
        assertThat(IdleSuspend.stopsIdle(reaper(Duration.ZERO, "STOP"))).isFalse();
    }

    static GatewayProperties gateway(Duration idleSuspend) {
        return new GatewayProperties(true, 0, "127.0.0.1", "", 0, "", GatewayProperties.PlainText.LOOPBACK,
                new GatewayProperties.Tls("", "", Duration.ofSeconds(10)), false, true, 8192, Duration.ofSeconds(10),
                Duration.ofSeconds(5), 64, 200, 4, Duration.ofSeconds(30), idleSuspend, Duration.ofSeconds(30),
                Duration.ofSeconds(30));
    }

    static ReaperProperties reaper(Duration idleTimeout, String action) {
        return new ReaperProperties("", "", ReaperProperties.ReapOn.MERGED, Duration.ofMinutes(1), Duration.ZERO,
                Duration.ZERO, idleTimeout, ReaperProperties.IdleAction.valueOf(action), 20, Duration.ofMinutes(2),
                ReaperProperties.MissingContainerAction.RECREATE, 20, Map.of(), Map.of(), Duration.ofDays(7),
                Duration.ofDays(30));
    }
}
