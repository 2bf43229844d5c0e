package dev.offshoot.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.Set;

import org.junit.jupiter.api.Test;
import org.springframework.dao.DuplicateKeyException;

import dev.offshoot.config.RuntimeProperties;

/**
 * Docker's host ports per instance key. A start whose port the engine refuses moves the key to
 * another port; when a concurrent start takes that same port first, the move used to fail with a 500
 * (duplicate key on the port's unique index) instead of trying the next one.
 */
class PortMoveRaceTest {

    final FakeTable table = new FakeTable();
    final HostPorts ports = new HostPorts(table, new PortAllocator(properties(23400, 23420)) {
        @Override
        public OptionalInt next(Set<Integer> taken) {
            // no bind probe: the fake engine below decides which ports are held outside Offshoot
            for (int port = 23400; port <= 23420; port++) {
                if (!taken.contains(port)) {
                    return OptionalInt.of(port);
                }
            }
            return OptionalInt.empty();
        }
    }, properties(23400, 23420));

    @Test
    void aMoveToAPortAConcurrentStartJustTookTriesTheNextOne() {
        // the engine refuses 23400 (held by another process); 23401 is taken by a racing start
        table.racedBy.put(23401, "other");
        List<Integer> tried = new ArrayList<>();

        String started = ports.publish("b", port -> {
            tried.add(port);
            if (port == 23400) {
                throw new PortConflictException(port, null);
            }
            return "c-b";
        });

        assertThat(started).isEqualTo("c-b");
        assertThat(tried).containsExactly(23400, 23402);
        assertThat(table.held("b")).hasValue(23402);
        assertThat(table.held("other")).hasValue(23401);
    }

    @Test
    void aKeyStartedAgainKeepsItsPortSoConnectionStringsSurviveAReset() {
        int first = ports.publish("b", port -> port);
        ports.publish("a", port -> port);

        int again = ports.publish("b", port -> port);

        assertThat(again).isEqualTo(first);
    }

    @Test
    void aReleasedKeysPortGoesToTheNextKeyAndStaysItsHistory() {
        int first = ports.publish("b", port -> port);
        ports.release("b");

        int next = ports.publish("c", port -> port);

        assertThat(next).isEqualTo(first);
        assertThat(ports.portOf("b")).hasValue(first);
        assertThat(ports.heldKeys()).containsExactly("c");
    }

    @Test
    void anExhaustedRangeSaysSo() {
        HostPorts onePort = new HostPorts(table, new PortAllocator(properties(23400, 23400)) {
            @Override
            public OptionalInt next(Set<Integer> taken) {
                return taken.contains(23400) ? OptionalInt.empty() : OptionalInt.of(23400);
            }
        }, properties(23400, 23400));
        onePort.publish("first", port -> port);

        assertThatThrownBy(() -> onePort.publish("second", port -> port))
                .isInstanceOf(PortRangeExhaustedException.class).hasMessageContaining("23400-23400");
        assertThat(table.held("second")).isEmpty();
    }

    static RuntimeProperties properties(int start, int end) {
        return new RuntimeProperties("", "t1", "img", "", "/pg", "", "127.0.0.1", "", true, "n", start, end,
                Duration.ofSeconds(60), Duration.ofSeconds(60), Duration.ofMinutes(30));
    }

    /** The instance_port table: one key per held port, released keys keep their last port. */
    static class FakeTable implements PortTable {
        final Map<String, Integer> last = new HashMap<>();
        final Set<String> released = new HashSet<>();
        /** Ports another key takes just before ours tries to: between our read and our write. */
        final Map<Integer, String> racedBy = new HashMap<>();

        @Override
        public OptionalInt held(String key) {
            return last.containsKey(key) && !released.contains(key) ? OptionalInt.of(last.get(key))
                    : OptionalInt.empty();
        }

        @Override
        public OptionalInt last(String key) {
            return last.containsKey(key) ? OptionalInt.of(last.get(key)) : OptionalInt.empty();
        }

        @Override
        public Map<String, Integer> last(java.util.Collection<String> keys) {
            Map<String, Integer> out = new HashMap<>();
            keys.stream().filter(last::containsKey).forEach(key -> out.put(key, last.get(key)));
            return out;
        }

        @Override
        public Set<Integer> heldPorts() {
            Set<Integer> ports = new HashSet<>();
            last.forEach((key, port) -> {
                if (!released.contains(key)) {
                    ports.add(port);
                }
            });
            return ports;
        }

        @Override
        public Set<String> heldKeys() {
            Set<String> keys = new HashSet<>(last.keySet());
            keys.removeAll(released);
            return keys;
        }

        @Override
        public void assign(String key, int port) {
            String racer = racedBy.remove(port);
            if (racer != null) {
                last.put(racer, port);
            }
            boolean heldByAnother = last.entrySet().stream().anyMatch(e -> !e.getKey().equals(key)
                    && e.getValue() == port && !released.contains(e.getKey()));
            if (heldByAnother) {
                throw new DuplicateKeyException("instance_port_held");
            }
            last.put(key, port);
            released.remove(key);
        }

        @Override
        public void release(String key) {
            released.add(key);
        }
    }
}
