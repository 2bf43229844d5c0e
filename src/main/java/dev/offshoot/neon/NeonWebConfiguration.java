package dev.offshoot.neon;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.Ordered;
import org.springframework.web.servlet.config.annotation.InterceptorRegistry;
import org.springframework.web.servlet.config.annotation.WebMvcConfigurer;

import dev.offshoot.audit.AuditLog;

/**
 * The Neon API's audit hook, on its paths only. It runs first, like the /api/v1 audit, so that a
 * call the body gate refuses (a missing scope, a body over its limit) is audited too: an
 * interceptor's completion runs only when its own pre-handling ran.
 */
@Configuration(proxyBeanMethods = false)
class NeonWebConfiguration implements WebMvcConfigurer {

    private final ObjectProvider<AuditLog> audit;

    NeonWebConfiguration(ObjectProvider<AuditLog> audit) {
        this.audit = audit;
    }

    @Override
    public void addInterceptors(InterceptorRegistry registry) {
        registry.addInterceptor(new NeonAudit(audit)).addPathPatterns(NeonErrorBodies.PATHS)
                .order(Ordered.HIGHEST_PRECEDENCE);
    }
}
