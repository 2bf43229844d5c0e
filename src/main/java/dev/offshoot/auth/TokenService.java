package dev.offshoot.auth;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.data.relational.core.conversion.DbActionExecutionException;
import org.springframework.stereotype.Service;

import dev.offshoot.config.AuthProperties;
import dev.offshoot.error.OffshootException;
import dev.offshoot.naming.Names;

/**
 * Issues, lists, revokes and checks bearer tokens. Secrets are random, shown once, and kept only as
 * a SHA-256 hash: they carry 256 bits of entropy, so a slow password hash would add nothing.
 */
@Service
public class TokenService {

    private static final SecureRandom RANDOM = new SecureRandom();
    private static final String PREFIX = "osh_";
    private static final Duration TOUCH_EVERY = Duration.ofMinutes(1);

    private final ApiTokenRepository tokens;
    private final AuthProperties properties;
    private final ObjectProvider<ToolCatalog> catalog;

    TokenService(ApiTokenRepository tokens, AuthProperties properties, ObjectProvider<ToolCatalog> catalog) {
        this.tokens = tokens;
        this.properties = properties;
        this.catalog = catalog;
    }

    /**
     * Names the service records as an actor of its own (the configured admin token, Offshoot's
     * background work, the reaper) or might: a token by one of these names would make the audit log
     * and branch creators ambiguous.
     */
    static final Set<String> RESERVED_NAMES = Set.of(Principal.CONFIGURED_ADMIN, CurrentPrincipal.SYSTEM_NAME,
            "reaper", "system");

    /** @param mcpTools the MCP tools the token's sessions offer at most (null: no pin) */
    record NewToken(String name, Set<Scope> scopes, Instant expiresAt, Set<String> templates,
            Map<String, String> requiredLabel, boolean revealSecrets, boolean sqlReadOnly, ToolNarrowing mcpTools) {

        NewToken {
            mcpTools = mcpTools == null ? ToolNarrowing.NONE : mcpTools;
        }
    }

    record Issued(ApiToken token, String secret) {
    }

    Issued issue(NewToken request, Principal by) {
        String name = Names.requireResourceName("token", request.name());
        if (RESERVED_NAMES.contains(name)) {
            throw OffshootException.invalid("RESERVED_NAME", "token name '" + name + "' is reserved: the service"
                    + " records " + String.join(", ", new java.util.TreeSet<>(RESERVED_NAMES))
                    + " as actors of its own; choose another name");
        }
        if (request.scopes() == null || request.scopes().isEmpty()) {
            throw OffshootException.invalid("INVALID_SCOPES", "give at least one scope: read, write or admin");
        }
        if (request.expiresAt() != null && !request.expiresAt().isAfter(Instant.now())) {
            throw OffshootException.invalid("INVALID_EXPIRY", "expiresAt must be in the future");
        }
        Map<String, String> label = request.requiredLabel() == null ? Map.of() : request.requiredLabel();
        if (label.size() > 1) {
            throw OffshootException.invalid("INVALID_LABELS", "a token can require at most one label");
        }
        Set<String> templates = request.templates() == null ? Set.of() : request.templates();
        requireKnownTools(request.mcpTools());
        Tenancy.requireCovered(by, new Principal(name, request.scopes(), templates,
                label.keySet().stream().findFirst().orElse(null), label.values().stream().findFirst().orElse(null),
                request.expiresAt(), request.revealSecrets(), request.sqlReadOnly(), null, request.mcpTools()));
        String secret = newSecret();
        var entry = label.entrySet().stream().findFirst();
        ApiToken token = new ApiToken(name, hash(secret), secret.substring(0, PREFIX.length() + 6), request.scopes(),
                templates, entry.map(Map.Entry::getKey).orElse(null), entry.map(Map.Entry::getValue).orElse(null),
                request.expiresAt(), by.name(), request.revealSecrets(), request.sqlReadOnly(), request.mcpTools());
        try {
            return new Issued(tokens.save(token), secret);
        } catch (DuplicateKeyException | DbActionExecutionException e) {
            throw OffshootException.conflict("NAME_TAKEN", "a live token named '" + name + "' already exists");
        }
    }

    /** Refuses a pin to a tool the service does not have: it would pin the token to nothing. */
    private void requireKnownTools(ToolNarrowing pin) {
        ToolCatalog known = catalog.getIfAvailable();
        if (known == null) {
            return;
        }
        Set<String> names = known.toolNames();
        for (String tool : pin.tools()) {
            if (!names.contains(tool)) {
                throw OffshootException.invalid("INVALID_TOOL_SELECTION", "there is no MCP tool '" + tool + "': use "
                        + String.join(", ", new java.util.TreeSet<>(names)));
            }
        }
    }

    /** The tokens the caller could have issued itself: all for an unlimited admin, narrower ones for others. */
    List<ApiToken> list(Principal by) {
        return tokens.findAllOrdered().stream().filter(t -> Tenancy.covers(by, t.principal())).toList();
    }

    /** Revokes a live token within the caller's reach; others are not found. */
    void revoke(String name, Principal by) {
        ApiToken token = tokens.findLiveByName(name).filter(t -> Tenancy.covers(by, t.principal()))
                .orElseThrow(() -> OffshootException.notFound("TOKEN_NOT_FOUND", "no live token named '" + name + "'"));
        token.revoke();
        tokens.save(token);
    }

    /** Names whose token was revoked and not issued again: what they created has no live owner. */
    public Set<String> revokedNames() {
        List<ApiToken> all = tokens.findAllOrdered();
        Set<String> live = all.stream().filter(t -> t.revokedAt() == null).map(ApiToken::name)
                .collect(java.util.stream.Collectors.toSet());
        return all.stream().filter(t -> t.revokedAt() != null && !live.contains(t.name())).map(ApiToken::name)
                .collect(java.util.stream.Collectors.toSet());
    }

    /** The caller a presented secret stands for, if it is the configured admin token or a live token. */
    public Optional<Principal> authenticate(String presented) {
        if (presented == null || presented.isEmpty()) {
            return Optional.empty();
        }
        String admin = properties.adminToken();
        if (!admin.isEmpty() && MessageDigest.isEqual(admin.getBytes(StandardCharsets.UTF_8),
                presented.getBytes(StandardCharsets.UTF_8))) {
            return Optional.of(Principal.admin(Principal.CONFIGURED_ADMIN));
        }
        if (!presented.startsWith(PREFIX)) {
            return Optional.empty();
        }
        Instant now = Instant.now();
        return tokens.findBySecretHash(hash(presented)).filter(t -> t.usableAt(now)).map(t -> {
            if (t.lastUsedAt() == null || t.lastUsedAt().isBefore(now.minus(TOUCH_EVERY))) {
                tokens.touch(t.id(), now);
            }
            return t.principal();
        });
    }

    private static String newSecret() {
        byte[] bytes = new byte[32];
        RANDOM.nextBytes(bytes);
        return PREFIX + Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    static String hash(String secret) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                    .digest(secret.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
