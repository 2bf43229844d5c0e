package dev.offshoot.auth;

import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

import org.springframework.data.jdbc.repository.query.Modifying;
import org.springframework.data.jdbc.repository.query.Query;
import org.springframework.data.repository.ListCrudRepository;

interface ApiTokenRepository extends ListCrudRepository<ApiToken, UUID> {

    Optional<ApiToken> findBySecretHash(String secretHash);

    @Query("SELECT * FROM api_token WHERE name = :name AND revoked_at IS NULL")
    Optional<ApiToken> findLiveByName(String name);

    @Query("SELECT * FROM api_token ORDER BY created_at")
    List<ApiToken> findAllOrdered();

    /** A plain update, so that using a token never races with revoking it on the version column. */
    @Modifying
    @Query("UPDATE api_token SET last_used_at = :at WHERE id = :id")
    void touch(UUID id, Instant at);
}
