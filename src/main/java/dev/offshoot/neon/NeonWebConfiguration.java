package dev.offshoot.neon;

import org.springframework.context.annotation.Configuration;
import org.springframework.web.servlet.config.annotation.InterceptorRegistry;
import org.springframework.web.servlet.config.annotation.WebMvcConfigurer;

/** The Neon API's audit hook, on its paths only. */
@Configuration(proxyBeanMethods = false)
class NeonWebConfiguration implements WebMvcConfigurer {

    private final NeonAudit audit;

    NeonWebConfiguration(NeonAudit audit) {
        this.audit = audit;
    }

    @Override
    public void addInterceptors(InterceptorRegistry registry) {
        registry.addInterceptor(audit).addPathPatterns(NeonErrorBodies.PATHS);
    }
}
