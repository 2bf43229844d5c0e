package dev.offshoot.replica;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.sql.SQLException;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;
import org.springframework.dao.DataAccessResourceFailureException;

/** A lock session whose store cannot be reached (the rest runs against a real store: AdvisoryLocksIT). */
class LockSessionTest {

    final AtomicInteger attempts = new AtomicInteger();
    final LockSession session = new LockSession(() -> {
        attempts.incrementAndGet();
        throw new SQLException("Connection refused");
    }, key -> { });

    /** The web layer answers a DataAccessResourceFailureException with 503 METADATA_STORE_BUSY, retryable. */
    @Test
    void aLockTheStoreCannotBeAskedForFailsAsTheStoreBeingUnreachable() {
        assertThatThrownBy(() -> session.tryLock(42)).isInstanceOf(DataAccessResourceFailureException.class);
        assertThat(session.holds(42)).isFalse();
        assertThat(session.size()).isZero();
    }

    @Test
    void aSessionThatCannotBeOpenedDoesNotPassItsCheck() {
        assertThat(session.check()).isFalse();
        assertThat(attempts.get()).as("a first open, then one more").isEqualTo(2);
    }

    @Test
    void aClosedSessionTakesNothing() {
        session.close();
        assertThat(session.check()).isFalse();
        assertThatThrownBy(() -> session.tryLock(7)).isInstanceOf(DataAccessResourceFailureException.class);
        assertThat(attempts.get()).as("a closed session opens no connection").isZero();
    }
}
