package dev.offshoot.audit;

import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.Ordered;
import org.springframework.web.servlet.config.annotation.InterceptorRegistry;
import org.springframework.web.servlet.config.annotation.WebMvcConfigurer;

import tools.jackson.databind.json.JsonMapper;

@Configuration(proxyBeanMethods = false)
class AuditConfiguration {

    /** Around the whole chain, so it keeps what any handler reads; every path, as routing decodes paths. */
    @Bean
    FilterRegistrationBean<AuditFilter> auditFilter() {
        FilterRegistrationBean<AuditFilter> registration = new FilterRegistrationBean<>(new AuditFilter());
        registration.addUrlPatterns("/*");
        registration.setOrder(Ordered.HIGHEST_PRECEDENCE + 10);
        return registration;
    }

    /**
     * First of the interceptors, so its completion runs even when a later one refuses the call
     * before the handler (a scope or body-size refusal is a failed change, recorded like any).
     */
    @Bean
    WebMvcConfigurer auditedHandlers(AuditLog audit, JsonMapper json) {
        return new WebMvcConfigurer() {
            @Override
            public void addInterceptors(InterceptorRegistry registry) {
                registry.addInterceptor(new AuditInterceptor(audit, json)).order(Ordered.HIGHEST_PRECEDENCE);
            }
        };
    }
}
