package dev.offshoot.migration;

import org.springframework.security.access.prepost.PreAuthorize;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

import dev.offshoot.auth.CurrentPrincipal;
import dev.offshoot.auth.Scopes;
import dev.offshoot.auth.Tenancy;
import dev.offshoot.error.OffshootException;
import dev.offshoot.template.TemplateService;

/** The migration policy a template's branches are held to: read by anyone who sees the template. */
@RestController
@PreAuthorize(Scopes.READ)
@RequestMapping("/api/v1/templates/{name}/policy")
class MigrationPolicyController {

    private final MigrationPolicies policies;
    private final TemplateService templates;

    MigrationPolicyController(MigrationPolicies policies, TemplateService templates) {
        this.policies = policies;
        this.templates = templates;
    }

    @GetMapping
    MigrationPolicies.Effective get(@PathVariable String name) {
        templates.get(name);
        return policies.of(name);
    }

    /** Like every template change: write scope and a token without limits, as templates are shared. */
    @PreAuthorize(Scopes.WRITE)
    @PutMapping
    MigrationPolicies.Effective put(@PathVariable String name, @RequestBody MigrationPolicy body) {
        templates.get(name);
        Tenancy.requireTemplateChange(name, "change the migration policy of");
        if (body == null) {
            throw OffshootException.invalid("INVALID_POLICY", "send a policy: {mode, rules, allow, naming, limits}");
        }
        return policies.put(name, body, CurrentPrincipal.get().name());
    }
}
