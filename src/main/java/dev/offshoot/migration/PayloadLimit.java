package dev.offshoot.migration;

import java.util.Arrays;
import java.util.Optional;
import java.util.Set;

import org.springframework.core.MethodParameter;
import org.springframework.stereotype.Component;
import org.springframework.web.bind.annotation.RequestPart;
import org.springframework.web.method.HandlerMethod;

import dev.offshoot.config.MigrationProperties;
import dev.offshoot.web.BodyAllowance;

/**
 * The handlers that take a migration set or SQL text (JSON, or migration files uploaded as
 * multipart) read up to what the migration limit can need: twice the limit, for JSON escaping,
 * plus 64 KiB. A body past that is refused from its announced length before it is read, or while
 * it is read when chunked, whichever spelling of the path reached the handler. The exact limit
 * applies to the parsed migrations ({@link MigrationUploads}, counted after decompression).
 */
@Component
class PayloadLimit implements BodyAllowance {

    private static final Set<Class<?>> MIGRATIONS_OR_SQL = Set.of(MigrationController.MigrationSet.class,
            MigrationController.ApprovalRequest.class, MigrationController.SqlRequest.class);

    private final MigrationProperties properties;

    PayloadLimit(MigrationProperties properties) {
        this.properties = properties;
    }

    @Override
    public Optional<Limit> limit(HandlerMethod handler) {
        boolean migrationUpload = handler.getBeanType().getPackage() == PayloadLimit.class.getPackage()
                && Arrays.stream(handler.getMethodParameters()).anyMatch(p -> p.hasParameterAnnotation(RequestPart.class));
        boolean takesMigrationsOrSql = Arrays.stream(handler.getMethodParameters())
                .map(MethodParameter::getParameterType).anyMatch(MIGRATIONS_OR_SQL::contains);
        if (!migrationUpload && !takesMigrationsOrSql) {
            return Optional.empty();
        }
        long max = properties.maxPayloadBytes();
        return Optional.of(new Limit(2 * max + 65_536, "what " + max + " bytes of migrations or SQL can take"
                + " (offshoot.migration.max-payload-bytes)"));
    }
}
