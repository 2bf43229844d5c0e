package dev.offshoot.paging;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.stream.IntStream;

import org.junit.jupiter.api.Test;

import dev.offshoot.error.OffshootException;

class PageTest {

    record Item(String name, Instant at) {
        String position() {
            return Positions.of(at, name);
        }
    }

    static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");

    static List<Item> items(int n) {
        return IntStream.range(0, n).mapToObj(i -> new Item("b" + i, T0.plusSeconds(i))).toList();
    }

    @Test
    void withoutALimitTheWholeListComesInOrderWithoutACursor() {
        List<Item> shuffled = new ArrayList<>(items(5));
        java.util.Collections.reverse(shuffled);
        Page<Item> page = Page.of(shuffled, Item::position, PageRequest.ALL);
        assertThat(page.items()).extracting(Item::name).containsExactly("b0", "b1", "b2", "b3", "b4");
        assertThat(page.nextCursor()).isNull();
    }

    @Test
    void followingTheCursorVisitsEveryItemOnceAndTheLastPageHasNone() {
        List<Item> all = items(7);
        List<String> seen = new ArrayList<>();
        String cursor = null;
        int pages = 0;
        do {
            Page<Item> page = Page.of(all, Item::position, new PageRequest(3, cursor));
            page.items().forEach(i -> seen.add(i.name()));
            cursor = page.nextCursor();
            pages++;
        } while (cursor != null);
        assertThat(seen).containsExactly("b0", "b1", "b2", "b3", "b4", "b5", "b6");
        assertThat(pages).isEqualTo(3);
    }

    @Test
    void anItemDeletedBetweenPagesShiftsNothingOntoTheWrongPage() {
        List<Item> all = new ArrayList<>(items(6));
        Page<Item> first = Page.of(all, Item::position, new PageRequest(2, null));
        all.removeIf(i -> i.name().equals("b1") || i.name().equals("b2"));
        Page<Item> second = Page.of(all, Item::position, new PageRequest(2, first.nextCursor()));
        assertThat(second.items()).extracting(Item::name).containsExactly("b3", "b4");
    }

    @Test
    void positionsOfTheSameInstantSortByTheirTieBreaker() {
        assertThat(Positions.of(T0, "a")).isLessThan(Positions.of(T0, "b"));
        assertThat(Positions.of(T0.plusNanos(1), "a")).isGreaterThan(Positions.of(T0, "z"));
        assertThat(Positions.of(Instant.parse("2100-01-01T00:00:00Z"), "a")).isGreaterThan(Positions.of(T0, "a"));
    }

    @Test
    void aLimitOutsideOneToAThousandIsRefused() {
        assertThatThrownBy(() -> new PageRequest(0, null)).isInstanceOf(OffshootException.class)
                .extracting("code").isEqualTo("INVALID_LIMIT");
        assertThatThrownBy(() -> new PageRequest(PageRequest.MAX_LIMIT + 1, null)).isInstanceOf(OffshootException.class);
    }

    @Test
    void aCursorThisApiNeverGaveOutIsRefused() {
        String forged = Base64.getUrlEncoder().encodeToString("00000/b3".getBytes(StandardCharsets.UTF_8));
        for (String cursor : List.of("%%%", forged)) {
            assertThatThrownBy(() -> Page.of(items(3), Item::position, new PageRequest(2, cursor)))
                    .isInstanceOf(OffshootException.class).extracting("code").isEqualTo("INVALID_CURSOR");
        }
    }
}
