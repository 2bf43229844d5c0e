package dev.offshoot.paging;

import java.nio.charset.StandardCharsets;
import java.util.Base64;

import dev.offshoot.error.OffshootException;

/**
 * What a list call asked for: at most {@code limit} items after {@code cursor}, or everything when no
 * limit is given (the lists answered whole before they were paged, and still do without a limit).
 * A cursor is opaque to clients: base64url of the position of the last item answered.
 *
 * @param limit  1 to {@link #MAX_LIMIT}, or null for no limit
 * @param cursor a {@code nextCursor} this API gave out, or null for the first page
 */
public record PageRequest(Integer limit, String cursor) {

    public static final int MAX_LIMIT = 1000;

    public static final PageRequest ALL = new PageRequest(null, null);

    public PageRequest {
        if (limit != null && (limit < 1 || limit > MAX_LIMIT)) {
            throw OffshootException.invalid("INVALID_LIMIT", "limit must be between 1 and " + MAX_LIMIT);
        }
        cursor = cursor == null || cursor.isBlank() ? null : cursor;
    }

    /** The position the cursor holds, or null on the first page; a cursor this API never gave out is a 400. */
    public String after() {
        if (cursor == null) {
            return null;
        }
        try {
            String position = new String(Base64.getUrlDecoder().decode(cursor), StandardCharsets.UTF_8);
            if (position.startsWith(PREFIX)) {
                return position.substring(PREFIX.length());
            }
        } catch (IllegalArgumentException e) {
            // not base64url: refused below
        }
        throw OffshootException.invalid("INVALID_CURSOR", "cursor is not one this API gave out");
    }

    /** The cursor for a page that ends at this position. */
    public static String cursorAt(String position) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString((PREFIX + position).getBytes(StandardCharsets.UTF_8));
    }

    /** Marks a position as ours, so that a random base64 string is refused instead of read. */
    private static final String PREFIX = "o1:";
}
