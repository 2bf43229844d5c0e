package dev.offshoot.branch;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

import org.springframework.stereotype.Component;

import dev.offshoot.config.GatewayProperties;
import dev.offshoot.config.IdleSuspend;
import dev.offshoot.config.ReaperProperties;
import dev.offshoot.error.OffshootException;
import dev.offshoot.template.Template;
import dev.offshoot.template.TemplateService;

/**
 * The idle suspension that applies to branches ({@link IdleSuspend}): the branch's own, else its
 * template's, else the service's. A {@link Lookup} reads each template once, for passes over many
 * branches that share a handful of templates.
 */
@Component
class IdleSettings {

    private final TemplateService templates;
    private final Duration service;

    IdleSettings(TemplateService templates, GatewayProperties gateway, ReaperProperties reaper) {
        this.templates = templates;
        this.service = IdleSuspend.service(gateway, reaper);
    }

    /** The service's setting, which applies to branches and templates without their own. */
    Duration service() {
        return service;
    }

    Lookup lookup() {
        return new Lookup();
    }

    /** Effective settings of branches, each template read at most once. */
    final class Lookup {

        private final Map<UUID, Optional<Duration>> byTemplate = new HashMap<>();

        IdleSuspend.Effective of(Branch branch) {
            Duration template = byTemplate.computeIfAbsent(branch.templateId(), this::templateSetting).orElse(null);
            return IdleSuspend.of(branch.idleSuspend(), template, service);
        }

        /** A template deleted meanwhile has no setting: the service's applies. */
        private Optional<Duration> templateSetting(UUID id) {
            try {
                return Optional.ofNullable(templates.byId(id)).map(Template::idleSuspend);
            } catch (OffshootException e) {
                return Optional.empty();
            }
        }
    }
}
