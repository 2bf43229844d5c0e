package dev.offshoot.config;

import java.time.Duration;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * What the readers of a branch (the tokens' read-only roles behind {@code readOnlyConnection}) may
 * take from it. The timeouts are also set as the roles' session defaults, but a session can lift
 * those for itself; the reader watch enforces them from outside the session.
 *
 * @param statementTimeout         a reader's statement running longer than this is cancelled
 * @param idleInTransactionTimeout a reader's session idle in an open transaction longer than this
 *                                 is ended (it holds back vacuum and may hold locks)
 * @param connectionLimit          most sessions one token's reader role may open on one branch, so a
 *                                 reader cannot take every connection from the owner and the service
 * @param watchInterval            how often the reader watch looks at the branches that have readers
 * @param maxBranchesPerWatch      most branches one pass looks at (one superuser session each); the
 *                                 next pass goes on where this one stopped
 */
@ConfigurationProperties("offshoot.readers")
public record ReaderProperties(
        @DefaultValue("10m") Duration statementTimeout,
        @DefaultValue("10m") Duration idleInTransactionTimeout,
        @DefaultValue("10") int connectionLimit,
        @DefaultValue("30s") Duration watchInterval,
        @DefaultValue("200") int maxBranchesPerWatch) {
}
