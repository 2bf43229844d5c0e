package dev.offshoot.paging;

import java.util.Comparator;
import java.util.List;
import java.util.function.Function;

/**
 * One page of a list and the cursor of the next ({@code null} on the last page).
 *
 * @param items      the page, in the list's order
 * @param nextCursor where the next page starts; null when this page is the last
 */
public record Page<T>(List<T> items, String nextCursor) {

    /**
     * The page of {@code all} that the request asks for, ordered by {@code position}: a text whose
     * order is the list's order and that no two items share (e.g. a creation time with an id). The
     * next page starts after the last item's position, so items that come or go between two calls
     * shift no other item onto the wrong page.
     */
    public static <T> Page<T> of(List<T> all, Function<T, String> position, PageRequest request) {
        String after = request.after();
        List<T> remaining = all.stream()
                .filter(item -> after == null || position.apply(item).compareTo(after) > 0)
                .sorted(Comparator.comparing(position))
                .toList();
        if (request.limit() == null || remaining.size() <= request.limit()) {
            return new Page<>(remaining, null);
        }
        List<T> page = remaining.subList(0, request.limit());
        return new Page<>(page, PageRequest.cursorAt(position.apply(page.getLast())));
    }

    public <R> Page<R> map(Function<T, R> mapper) {
        return new Page<>(items.stream().map(mapper).toList(), nextCursor);
    }
}
