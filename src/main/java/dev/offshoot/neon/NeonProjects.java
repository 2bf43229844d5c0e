package dev.offshoot.neon;

import java.time.Instant;
import java.util.Comparator;
import java.util.List;

import org.springframework.stereotype.Component;

import dev.offshoot.error.OffshootException;
import dev.offshoot.template.Template;
import dev.offshoot.template.TemplateRevision;
import dev.offshoot.template.TemplateService;
import dev.offshoot.template.TemplateView;

/**
 * Neon's projects are Offshoot's templates: a project's id and name are its template's name. A
 * template whose name does not fit Neon's project id pattern (longer than 60 characters) is not a
 * project. The caller sees the templates its token may use, as everywhere else.
 */
@Component
class NeonProjects {

    private final TemplateService templates;

    NeonProjects(TemplateService templates) {
        this.templates = templates;
    }

    /** The template of a project the caller may use; PROJECT_NOT_FOUND otherwise. */
    Template template(String projectId) {
        if (!NeonIds.isProjectId(projectId)) {
            throw notFound(projectId);
        }
        try {
            return templates.get(projectId);
        } catch (OffshootException e) {
            if (e.kind() == OffshootException.Kind.NOT_FOUND) {
                throw notFound(projectId);
            }
            throw e;
        }
    }

    /** The caller's projects, by id. */
    List<NeonModel.Project> list() {
        return templates.views().stream().filter(t -> NeonIds.isProjectId(t.name()))
                .sorted(Comparator.comparing(TemplateView::name))
                .map(t -> project(t.name(), t.createdBy(), t.createdAt(),
                        t.revisions().isEmpty() ? t.createdAt() : t.revisions().getLast().createdAt(),
                        t.postgresVersion()))
                .toList();
    }

    NeonModel.Project project(Template template) {
        Instant updated = template.latestRevision().map(TemplateRevision::createdAt).orElse(template.createdAt());
        return project(template.name(), template.createdBy(), template.createdAt(), updated,
                template.postgresVersion());
    }

    private static NeonModel.Project project(String name, String createdBy, Instant createdAt, Instant updatedAt,
            int pgVersion) {
        return new NeonModel.Project(name, NeonModel.OFFSHOOT, NeonModel.OFFSHOOT, name, NeonModel.OFFSHOOT, true,
                NeonModel.OFFSHOOT, createdAt, updatedAt, createdBy, pgVersion);
    }

    private static OffshootException notFound(String projectId) {
        return OffshootException.notFound("PROJECT_NOT_FOUND", "no project '" + projectId + "': a project is a template"
                + " this token may use, named with at most 60 lowercase letters, digits and hyphens");
    }
}
