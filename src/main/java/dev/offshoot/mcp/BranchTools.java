package dev.offshoot.mcp;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.annotation.JsonInclude;

import dev.offshoot.auth.CurrentPrincipal;
import dev.offshoot.branch.BranchOperations;
import dev.offshoot.branch.BranchStatus;
import dev.offshoot.branch.BranchView;
import dev.offshoot.branch.CreateBranchRequest;
import dev.offshoot.error.OffshootException;
import dev.offshoot.template.TemplateService;
import dev.offshoot.template.TemplateView;

/** Templates and branch lifecycle as MCP tools: thin adapters over the same operations as REST. */
final class BranchTools {

    private BranchTools() {
    }

    static void register(ToolRegistry registry, BranchOperations branches, TemplateService templates,
            Credentials credentials) {
        registry.add("list_templates", "List templates",
                "List the template databases branches can be created from, with their PostgreSQL major"
                        + " (postgresVersion, which every branch of the template runs), latest revision, size and"
                        + " number of branches. Templates are read-only bases: never change one, branch it.",
                ToolRegistry.Kind.READ, ToolSchema.object(), null, args -> new Templates(templates.views()));

        registry.add("list_branches", "List branches",
                "List live database branches, optionally filtered by status, template or one label.",
                ToolRegistry.Kind.READ, ToolSchema.object()
                        .string("status", "CREATING, READY, SUSPENDED, FAILED or DELETING", false)
                        .string("template", "only branches of this template", false)
                        .string("label", "only branches carrying this label, as key=value (e.g. pr=123)", false),
                null, args -> new Branches(branches.list(args.string("status"), args.string("template"),
                        args.string("label") == null ? List.of() : List.of(args.string("label"))).stream()
                        .map(BranchTools::summary).toList()));

        registry.add("create_branch", "Create a database branch",
                "Create your own PostgreSQL branch from a template (or from another branch) and wait until it"
                        + " accepts connections. Idempotent: the same name and parent returns the existing branch."
                        + " Work, migrate and test here; the template is not affected. The password is not in the"
                        + " result: passwordFrom says how your shell gets it.",
                ToolRegistry.Kind.WRITE, ToolSchema.object()
                        .string("name", "branch name: 1-63 lowercase letters, digits, hyphens (e.g. agent-fix-42)", true)
                        .string("template", "template to branch from (see list_templates); omit with from_branch", false)
                        .string("from_branch", "existing branch to copy instead of a template", false)
                        .integer("revision", "template revision; latest when omitted", false)
                        .string("ttl", "lifetime such as 2h or 30m, after which the branch may be reaped", false)
                        .string("labels", "comma-separated key=value labels, e.g. repo=acme/shop,pr=12", false)
                        .string("idle_suspend", "suspend it after this long without a connection, such as 30m (0:"
                                + " never; a connection wakes it); the template's or the service's setting when omitted",
                                false),
                "name", args -> created(credentials, branches.create(new CreateBranchRequest(args.required("name"),
                        args.string("template"), args.integer("revision"), args.string("from_branch"),
                        labels(args.string("labels")), args.string("ttl"), null, null, null, args.string("idle_suspend")),
                        CurrentPrincipal.get().name())));

        registry.add("describe_branch", "Describe a branch",
                "Status, parent, labels, expiry, disk used and connection details (without password) of one"
                        + " branch.",
                ToolRegistry.Kind.READ, ToolSchema.object().string("name", "branch name", true), "name",
                args -> credentials.describe(branches.get(args.required("name")), "describe_branch"));

        registry.add("get_connection_string", "Get a branch's connection string",
                "The libpq URI, JDBC URL, host, port, database and user of a branch, for psql, application"
                        + " config or test runs. The password stays out of this conversation: passwordFrom gives the"
                        + " shell command that writes it to .env for your tools (offshoot connection-string NAME"
                        + " --env-file .env).",
                ToolRegistry.Kind.READ, ToolSchema.object().string("name", "branch name", true), "name",
                args -> credentials.connection(branches.get(args.required("name")), "get_connection_string"));

        registry.add("reset_branch", "Reset a branch",
                "Throw away every change in the branch and restart it from its parent; the connection string"
                        + " stays the same.",
                ToolRegistry.Kind.DESTRUCTIVE, ToolSchema.object().string("name", "branch name", true), "name",
                args -> summary(branches.reset(args.required("name"))));

        registry.add("suspend_branch", "Suspend a branch",
                "Stop a branch's server to free its memory; its data and connection string stay. Open sessions"
                        + " end. The next connection (or wake_branch) starts it again in about a second.",
                ToolRegistry.Kind.WRITE, ToolSchema.object().string("name", "branch name", true), "name",
                args -> summary(branches.suspend(args.required("name"))));

        registry.add("wake_branch", "Wake a branch",
                "Start a suspended branch's server again and wait until it accepts connections. Connecting"
                        + " through the connection string wakes it too.",
                ToolRegistry.Kind.WRITE, ToolSchema.object().string("name", "branch name", true), "name",
                args -> summary(branches.wake(args.required("name"))));

        registry.add("delete_branch", "Delete a branch",
                "Delete a branch and its data for good. Protected branches need force=true.",
                ToolRegistry.Kind.DESTRUCTIVE, ToolSchema.object().string("name", "branch name", true)
                        .bool("force", "also delete a protected branch"), "name",
                args -> {
                    branches.delete(args.required("name"), args.flag("force"));
                    return "deleted branch " + args.required("name");
                });
    }

    static Map<String, String> labels(String spec) {
        Map<String, String> labels = new LinkedHashMap<>();
        if (spec == null || spec.isBlank()) {
            return labels;
        }
        for (String pair : spec.split(",")) {
            int eq = pair.indexOf('=');
            if (eq <= 0) {
                throw OffshootException.invalid("INVALID_LABELS", "labels must look like key=value,key=value");
            }
            labels.put(pair.substring(0, eq).strip(), pair.substring(eq + 1).strip());
        }
        return labels;
    }

    /** A branch without its connection details, for listings. */
    static Summary summary(BranchView b) {
        return new Summary(b.name(), b.status(), b.template(), b.templateRevision(), b.parentBranch(), b.labels(),
                b.createdAt(), b.expiresAt());
    }

    static Created created(Credentials credentials, BranchView b) {
        Credentials.Described described = credentials.describe(b, "create_branch");
        return new Created(b.created(), described.branch(), described.passwordFrom());
    }

    /** What list_templates answers. */
    record Templates(List<TemplateView> templates) {
    }

    /** What list_branches answers. */
    record Branches(List<Summary> branches) {
    }

    record Summary(String name, BranchStatus status, String template, int templateRevision, String parentBranch,
            Map<String, String> labels, Instant createdAt, Instant expiresAt) {
    }

    /**
     * What create_branch answers: whether this call created the branch (false: it existed), the
     * branch, and where its password is unless the caller's token reveals it.
     */
    record Created(Boolean created, BranchView branch,
            @JsonInclude(JsonInclude.Include.NON_NULL) String passwordFrom) {
    }
}
