package dev.offshoot.neon;

import java.time.Instant;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;

import tools.jackson.databind.PropertyNamingStrategies;
import tools.jackson.databind.annotation.JsonNaming;

/**
 * The shapes of Neon's API v2 (its published OpenAPI spec) that Offshoot answers, with snake_case
 * names and absent fields left out. Fields Offshoot cannot fill truthfully (consumption metrics,
 * compute units, Postgres version) are left out rather than invented.
 */
final class NeonModel {

    /** What Offshoot answers for Neon's region, platform, provisioner and creation source. */
    static final String OFFSHOOT = "offshoot";

    private NeonModel() {
    }

    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    @JsonInclude(JsonInclude.Include.NON_NULL)
    /** {@code pgVersion}: the template's PostgreSQL major, as Neon names a project's. */
    record Project(String id, String platformId, String regionId, String name, String provisioner,
            boolean storePasswords, String creationSource, Instant createdAt, Instant updatedAt, String ownerId,
            int pgVersion) {
    }

    /** {@code default} and {@code protected} are Java keywords: the components carry Neon's names. */
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    @JsonInclude(JsonInclude.Include.NON_NULL)
    record Branch(String id, String projectId, String parentId, String name, String currentState,
            Instant stateChangedAt, String creationSource, boolean primary, @JsonProperty("default") boolean isDefault,
            @JsonProperty("protected") boolean isProtected, Instant createdAt, Instant updatedAt, Instant expiresAt,
            Instant lastResetAt, CreatedBy createdBy) {

        Branch resetAt(Instant at) {
            return new Branch(id, projectId, parentId, name, currentState, stateChangedAt, creationSource, primary,
                    isDefault, isProtected, createdAt, updatedAt, expiresAt, at, createdBy);
        }
    }

    record CreatedBy(String name) {
    }

    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    @JsonInclude(JsonInclude.Include.NON_NULL)
    record Endpoint(String host, String id, String projectId, String branchId, String regionId, String type,
            String currentState, Map<String, Object> settings, boolean poolerEnabled, String poolerMode,
            boolean disabled, boolean passwordlessAccess, Instant lastActive, String creationSource,
            Instant createdAt, Instant updatedAt, String proxyHost, String provisioner, long suspendTimeoutSeconds) {
    }

    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    record Role(String branchId, String name, @JsonProperty("protected") boolean isProtected, Instant createdAt,
            Instant updatedAt) {
    }

    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    record Database(long id, String branchId, String name, String ownerName, Instant createdAt, Instant updatedAt) {
    }

    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    @JsonInclude(JsonInclude.Include.NON_NULL)
    record Operation(String id, String projectId, String branchId, String endpointId, String action,
            String status, int failuresCount, Instant createdAt, Instant updatedAt, long totalDurationMs) {
    }

    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    record ConnectionDetails(String connectionUri, ConnectionParameters connectionParameters) {
    }

    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    record ConnectionParameters(String database, String password, String role, String host, String poolerHost) {
    }

    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    @JsonInclude(JsonInclude.Include.NON_NULL)
    record Annotation(AnnotatedObject object, Map<String, String> value, Instant createdAt, Instant updatedAt) {
    }

    record AnnotatedObject(String type, String id) {
    }

    /** Cursor pagination of branch lists: {@code next} only when there is a next page. */
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    @JsonInclude(JsonInclude.Include.NON_NULL)
    record CursorPagination(String next, String sortBy, String sortOrder) {
    }

    /** Neon's older pagination (projects, operations): the cursor of the last item answered. */
    record Pagination(String cursor) {
    }

    // ------------------------------------------------------------------ response bodies

    record ProjectsResponse(List<Project> projects, Pagination pagination, Map<String, List<String>> applications,
            Map<String, List<String>> integrations) {
    }

    record ProjectResponse(Project project) {
    }

    record OrganizationsResponse(List<Object> organizations) {
    }

    record BranchesResponse(List<Branch> branches, Map<String, Annotation> annotations,
            CursorPagination pagination) {
    }

    record BranchResponse(Branch branch, Annotation annotation) {
    }

    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    record BranchCreated(Branch branch, List<Endpoint> endpoints, List<Operation> operations, List<Role> roles,
            List<Database> databases, List<ConnectionDetails> connectionUris) {
    }

    record BranchOperations(Branch branch, List<Operation> operations) {
    }

    record EndpointsResponse(List<Endpoint> endpoints) {
    }

    record EndpointOperations(Endpoint endpoint, List<Operation> operations) {
    }

    record EndpointResponse(Endpoint endpoint) {
    }

    record DatabasesResponse(List<Database> databases) {
    }

    record DatabaseResponse(Database database) {
    }

    record RolesResponse(List<Role> roles) {
    }

    record RoleResponse(Role role) {
    }

    record PasswordResponse(String password) {
    }

    record UriResponse(String uri) {
    }

    record OperationsResponse(List<Operation> operations, Pagination pagination) {
    }

    record OperationResponse(Operation operation) {
    }
}
