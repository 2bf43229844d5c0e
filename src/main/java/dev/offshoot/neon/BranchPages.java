package dev.offshoot.neon;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Base64;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;

import dev.offshoot.error.OffshootException;

/**
 * One page of a project's branch list, as Neon's list call asks for it: a search on name or id,
 * a sort ({@code name}, {@code created_at} or {@code updated_at}; ascending or descending, newest
 * updates first by default), a limit and an opaque cursor. The cursor holds the sort key and id of
 * the last branch answered, so a page after it stays right when branches come or go in between.
 * A pure function of the branches it is given.
 */
final class BranchPages {

    static final int MAX_LIMIT = 10_000;

    private BranchPages() {
    }

    /** What the caller asked for; nulls take Neon's defaults. */
    record Query(String search, String sortBy, String sortOrder, String cursor, Integer limit) {
    }

    record Page(List<NeonModel.Branch> branches, NeonModel.CursorPagination pagination) {
    }

    static Page page(List<NeonModel.Branch> all, Query query) {
        String sortBy = query.sortBy() == null ? "updated_at" : query.sortBy();
        String order = query.sortOrder() == null ? "desc" : query.sortOrder().toLowerCase(Locale.ROOT);
        int limit = query.limit() == null ? MAX_LIMIT : query.limit();
        if (limit < 1 || limit > MAX_LIMIT) {
            throw OffshootException.invalid("INVALID_LIMIT", "limit must be between 1 and " + MAX_LIMIT);
        }
        if (!List.of("name", "created_at", "updated_at").contains(sortBy)) {
            throw OffshootException.invalid("INVALID_SORT", "sort_by must be name, created_at or updated_at");
        }
        if (!order.equals("asc") && !order.equals("desc")) {
            throw OffshootException.invalid("INVALID_SORT", "sort_order must be asc or desc");
        }
        Comparator<NeonModel.Branch> byKey = Comparator.comparing(b -> key(b, sortBy));
        Comparator<NeonModel.Branch> comparator = byKey.thenComparing(NeonModel.Branch::id);
        Comparator<NeonModel.Branch> ordered = order.equals("asc") ? comparator : comparator.reversed();
        List<NeonModel.Branch> matching = all.stream().filter(b -> matches(b, query.search())).sorted(ordered)
                .toList();
        List<NeonModel.Branch> after = query.cursor() == null || query.cursor().isBlank() ? matching
                : matching.stream().filter(b -> ordered.compare(b, cursorBranch(query.cursor(), sortBy)) > 0)
                        .toList();
        List<NeonModel.Branch> page = after.subList(0, Math.min(limit, after.size()));
        String next = after.size() > page.size() ? cursorOf(page.getLast(), sortBy) : null;
        return new Page(page, new NeonModel.CursorPagination(next, sortBy, order));
    }

    private static boolean matches(NeonModel.Branch branch, String search) {
        return search == null || search.isBlank() || branch.name().contains(search) || branch.id().contains(search);
    }

    private static Key key(NeonModel.Branch branch, String sortBy) {
        return switch (sortBy) {
            case "name" -> new Key(branch.name(), 0);
            case "created_at" -> new Key("", nanos(branch.createdAt()));
            default -> new Key("", nanos(branch.updatedAt()));
        };
    }

    /** A sort key: a name, or an instant in nanoseconds since the epoch. */
    private record Key(String text, long nanos) implements Comparable<Key> {
        @Override
        public int compareTo(Key other) {
            int byText = text.compareTo(other.text);
            return byText != 0 ? byText : Long.compare(nanos, other.nanos);
        }
    }

    private static long nanos(Instant at) {
        return at.getEpochSecond() * 1_000_000_000L + at.getNano();
    }

    private static String cursorOf(NeonModel.Branch last, String sortBy) {
        Key key = key(last, sortBy);
        String raw = key.text() + "\n" + key.nanos() + "\n" + last.id();
        return Base64.getUrlEncoder().withoutPadding().encodeToString(raw.getBytes(StandardCharsets.UTF_8));
    }

    /** A stand-in branch with the cursor's sort key and id, to compare the listed branches with. */
    private static NeonModel.Branch cursorBranch(String cursor, String sortBy) {
        String[] parts;
        try {
            parts = new String(Base64.getUrlDecoder().decode(cursor), StandardCharsets.UTF_8).split("\n", -1);
        } catch (IllegalArgumentException e) {
            parts = new String[0];
        }
        if (parts.length != 3 || !parts[1].matches("-?\\d{1,19}")) {
            throw OffshootException.invalid("INVALID_CURSOR", "cursor is not one this API gave out");
        }
        long nanos = Long.parseLong(parts[1]);
        Instant at = Instant.ofEpochSecond(Math.floorDiv(nanos, 1_000_000_000L), Math.floorMod(nanos, 1_000_000_000L));
        String name = sortBy.equals("name") ? parts[0] : "";
        return new NeonModel.Branch(parts[2], null, null, name, null, null, null, false, false, false, at, at, null,
                null, null);
    }
}
