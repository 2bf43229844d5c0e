package dev.offshoot.migration;

import java.util.List;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Service;

import dev.offshoot.auth.Tenancy;
import dev.offshoot.branch.BranchAccess;
import dev.offshoot.template.TemplateRevision;
import dev.offshoot.template.TemplateService;

/**
 * A new template revision made by applying migrations on top of the latest one: a throwaway
 * branch of it is migrated, then committed as the next revision. Nothing changes when a migration
 * fails; branches of earlier revisions keep theirs.
 */
@Service
class TemplateMigrations {

    private static final Logger log = LoggerFactory.getLogger(TemplateMigrations.class);

    private final BranchAccess branches;
    private final TemplateService templates;

    TemplateMigrations(BranchAccess branches, TemplateService templates) {
        this.branches = branches;
        this.templates = templates;
    }

    record NewRevision(String template, int revision, int baseRevision, String image, String schemaVersion,
            List<FlywayRunner.Applied> applied) {
    }

    NewRevision apply(String template, List<MigrationFile> files) {
        templates.get(template);
        Tenancy.requireTemplateChange(template, "add a migrated revision to");
        String throwaway = branches.throwawayOfTemplate(template, null, "revision");
        try {
            int base = branches.origin(throwaway).revision();
            BranchAccess.Endpoint endpoint = branches.endpoint(throwaway);
            FlywayRunner.Outcome outcome = FlywayRunner.migrate(endpoint, files, null);
            String source = "revision " + base + " + migrations " + String.join(", ",
                    files.stream().map(MigrationFile::name).toList());
            TemplateRevision revision = templates.addRevisionFromContainer(template, branches.instance(throwaway),
                    endpoint.superuserPassword(), source.length() > 1000 ? source.substring(0, 1000) + "..." : source);
            log.info("template {}: revision {} = revision {} + {} migration(s)", template, revision.revision(), base,
                    outcome.applied().size());
            return new NewRevision(template, revision.revision(), base, revision.imageRef(), outcome.schemaVersion(),
                    outcome.applied());
        } finally {
            branches.deleteThrowaway(throwaway);
        }
    }
}
