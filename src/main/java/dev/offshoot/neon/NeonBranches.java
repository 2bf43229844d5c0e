package dev.offshoot.neon;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.stream.Stream;

import org.springframework.stereotype.Component;

import dev.offshoot.branch.BranchOperations;
import dev.offshoot.branch.BranchView;
import dev.offshoot.error.OffshootException;
import dev.offshoot.template.Template;

/**
 * A project's branches as the Neon API sees them: its default branch (the template's latest
 * revision, which has no server of its own) and the template's live branches the caller may see,
 * each with its Neon id and its parent's. A branch is named by its id or by its name.
 */
@Component
class NeonBranches {

    /**
     * The default branch's name: a dot is not allowed in Offshoot branch names, so no real branch
     * can take it.
     */
    static final String DEFAULT_NAME = "template.latest";

    private final BranchOperations branches;
    private final NeonObjects objects;

    NeonBranches(BranchOperations branches, NeonObjects objects) {
        this.branches = branches;
        this.objects = objects;
    }

    /**
     * One branch of a project.
     *
     * @param parentId the parent's id: the default branch for a branch of the template, the source
     *                 branch for a branch of a branch while that one lives; null for the default
     *                 branch and for a branch whose source is gone (or hidden from the caller)
     * @param view     the Offshoot branch; null for the default branch
     */
    record Entry(String id, String parentId, BranchView view) {

        boolean isDefault() {
            return view == null;
        }

        UUID uuid() {
            return UUID.fromString(view.id());
        }
    }

    /** A project's branches, the default first. */
    record Catalog(Template template, List<Entry> entries) {

        Entry defaultBranch() {
            return entries.getFirst();
        }

        Stream<Entry> branches() {
            return entries.stream().skip(1);
        }

        /** The branch with this id or, failing that, this name; BRANCH_NOT_FOUND otherwise. */
        Entry resolve(String ref) {
            return find(ref).orElseThrow(() -> OffshootException.notFound("BRANCH_NOT_FOUND", "no branch '" + ref
                    + "' in project '" + template.name() + "'"));
        }

        Optional<Entry> find(String ref) {
            return entries.stream().filter(e -> e.id().equals(ref)).findFirst()
                    .or(() -> entries.stream().filter(e -> ref.equals(name(e))).findFirst());
        }

        private static String name(Entry entry) {
            return entry.isDefault() ? DEFAULT_NAME : entry.view().name();
        }
    }

    Catalog of(Template template) {
        List<BranchView> views = branches.list(null, template.name(), null);
        List<UUID> uuids = views.stream().map(v -> UUID.fromString(v.id())).toList();
        Map<UUID, String> ids = objects.idsOf(uuids);
        String defaultId = objects.idOf(template.id());
        List<Entry> entries = new ArrayList<>();
        entries.add(new Entry(defaultId, null, null));
        Map<String, List<BranchView>> byName = new HashMap<>();
        views.forEach(v -> byName.computeIfAbsent(v.name(), n -> new ArrayList<>()).add(v));
        for (BranchView view : views) {
            String parent = view.parentBranch() == null ? defaultId
                    : source(view, byName).map(s -> ids.get(UUID.fromString(s.id()))).orElse(null);
            entries.add(new Entry(ids.get(UUID.fromString(view.id())), parent, view));
        }
        return new Catalog(template, List.copyOf(entries));
    }

    /**
     * The live branch a branch of a branch was copied from, known here by name only. A name is
     * unique among live branches and the source was live when the copy was made, so a live branch
     * of that name created before the copy is the source; one created after it reuses the name of
     * a source deleted since.
     */
    private static Optional<BranchView> source(BranchView child, Map<String, List<BranchView>> byName) {
        return byName.getOrDefault(child.parentBranch(), List.of()).stream()
                .filter(s -> s.createdAt().isBefore(child.createdAt())).findFirst();
    }
}
