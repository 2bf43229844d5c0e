package dev.offshoot.audit;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The audit event of a call, read from the route Spring MVC matched (its pattern and the decoded
 * values of its variables), so every spelling of a path that reaches a handler gives the same
 * event. Calls that change something are those with any method but GET/HEAD/OPTIONS on the
 * branches, templates and tokens routes.
 *
 * @param type   branch, template or token
 * @param action e.g. branch.delete, token.create, branch.migrations.check
 * @param target the route's first variable; null when the route has none (a create: the caller
 *               takes the name from the body)
 */
record AuditedCall(String type, String action, String target) {

    private static final Pattern ROUTE = Pattern.compile("/api/v1/(branches|templates|tokens)(?:/\\{(\\w+)}(/.+)?)?");

    /**
     * @param method    the request's HTTP method
     * @param pattern   the matched route, e.g. {@code /api/v1/branches/{name}/migrations/check}
     * @param variables the route's variables, decoded
     */
    static Optional<AuditedCall> of(String method, String pattern, Map<String, String> variables) {
        if (pattern == null || List.of("GET", "HEAD", "OPTIONS").contains(method)) {
            return Optional.empty();
        }
        Matcher route = ROUTE.matcher(pattern);
        if (!route.matches()) {
            return Optional.empty();
        }
        String type = singular(route.group(1));
        String target = route.group(2) == null ? null : variables.get(route.group(2));
        String rest = route.group(3);
        String verb = switch (method) {
            case "DELETE" -> rest == null ? "delete" : action(rest) + ".delete";
            case "PATCH", "PUT" -> "update";
            default -> route.group(2) == null ? "create" : rest == null ? "update" : action(rest);
        };
        return Optional.of(new AuditedCall(type, type + "." + verb, target));
    }

    /** The rest of a route as an action; its variables (a tuning's id) name none: /tunings/{id}/complete is tunings.complete. */
    private static String action(String rest) {
        return rest.substring(1).replaceAll("/\\{\\w+}", "").replace('/', '.');
    }

    AuditedCall withTarget(String name) {
        return new AuditedCall(type, action, name);
    }

    private static String singular(String collection) {
        return switch (collection) {
            case "branches" -> "branch";
            case "templates" -> "template";
            default -> "token";
        };
    }
}
