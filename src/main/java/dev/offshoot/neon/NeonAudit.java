package dev.offshoot.neon;

import java.util.Map;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.web.context.request.RequestAttributes;
import org.springframework.web.context.request.RequestContextHolder;
import org.springframework.web.method.HandlerMethod;
import org.springframework.web.servlet.HandlerInterceptor;
import org.springframework.web.servlet.HandlerMapping;

import dev.offshoot.audit.AuditLog;
import dev.offshoot.web.Problems;

/**
 * Audits the Neon API from the matched handler: after each call of an {@link Audited} handler, one
 * event with the caller, the action, the target, the final status and the problem code of a
 * failure (a refused scope included: method security refuses inside the handler's call). The
 * target is what the handler named with {@link #target} (a branch's name once it is known),
 * otherwise the branch, endpoint or project of the path. Channel {@code neon}.
 */
class NeonAudit implements HandlerInterceptor {

    static final String CHANNEL = "neon";
    private static final String TARGET = NeonAudit.class.getName() + ".target";
    private static final Logger log = LoggerFactory.getLogger(NeonAudit.class);

    private final ObjectProvider<AuditLog> audit;

    /** @param audit the audit log, looked up when a call ends (web slices of tests run without it) */
    NeonAudit(ObjectProvider<AuditLog> audit) {
        this.audit = audit;
    }

    /** Names the target of the current call (e.g. the branch a Neon id resolved to). */
    static void target(String target) {
        RequestAttributes request = RequestContextHolder.getRequestAttributes();
        if (request != null) {
            request.setAttribute(TARGET, target, RequestAttributes.SCOPE_REQUEST);
        }
    }

    @Override
    public void afterCompletion(HttpServletRequest request, HttpServletResponse response, Object handler,
            Exception ex) {
        Audited audited = handler instanceof HandlerMethod method ? method.getMethodAnnotation(Audited.class) : null;
        Authentication actor = SecurityContextHolder.getContext().getAuthentication();
        if (audited == null || actor == null || !actor.isAuthenticated()) {
            return;
        }
        int status = ex != null && response.getStatus() < 400 ? 500 : response.getStatus();
        String action = audited.value();
        String type = action.substring(0, action.indexOf('.'));
        Object code = request.getAttribute(Problems.CODE_ATTRIBUTE);
        try {
            audit.getObject().record(actor.getName(), CHANNEL, action, type, target(request), status < 400, status,
                    code == null ? null : code.toString());
        } catch (RuntimeException e) {
            log.error("could not record audit event {} on {}", action, target(request), e);
        }
    }

    private static String target(HttpServletRequest request) {
        Object named = request.getAttribute(TARGET);
        if (named != null) {
            return named.toString();
        }
        @SuppressWarnings("unchecked")
        Map<String, String> path = (Map<String, String>) request.getAttribute(
                HandlerMapping.URI_TEMPLATE_VARIABLES_ATTRIBUTE);
        if (path == null) {
            return null;
        }
        return path.getOrDefault("branch_id", path.getOrDefault("endpoint_id", path.get("project_id")));
    }
}
