package dev.offshoot.web;

import jakarta.servlet.MultipartConfigElement;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.Ordered;
import org.springframework.security.access.expression.method.DefaultMethodSecurityExpressionHandler;
import org.springframework.security.access.hierarchicalroles.RoleHierarchy;
import org.springframework.security.authorization.method.PreAuthorizeAuthorizationManager;
import org.springframework.web.servlet.config.annotation.InterceptorRegistry;
import org.springframework.web.servlet.config.annotation.WebMvcConfigurer;

import dev.offshoot.config.RequestProperties;

/**
 * Request bodies are judged by the matched handler: {@link BodyGate} decides before anything is
 * read, {@link LimitedBody} counts what is read. Features grant their routes more through
 * {@link BodyAllowance} beans.
 */
@Configuration(proxyBeanMethods = false)
class RequestBodies {

    /** Every path (routing decodes paths; a filter mapping on the raw spelling would miss some). */
    @Bean
    FilterRegistrationBean<LimitedBody> limitedBody() {
        FilterRegistrationBean<LimitedBody> registration = new FilterRegistrationBean<>(new LimitedBody());
        registration.addUrlPatterns("/*");
        registration.setOrder(Ordered.LOWEST_PRECEDENCE - 10);
        return registration;
    }

    /** After the audit interceptor, so a refusal here is a failed change in the audit log. */
    @Bean
    WebMvcConfigurer bodyGate(RoleHierarchy scopeHierarchy, ObjectProvider<BodyAllowance> allowances,
            ObjectProvider<MultipartConfigElement> multipart, RequestProperties properties) {
        DefaultMethodSecurityExpressionHandler expressions = new DefaultMethodSecurityExpressionHandler();
        expressions.setRoleHierarchy(scopeHierarchy);
        PreAuthorizeAuthorizationManager scopes = new PreAuthorizeAuthorizationManager();
        scopes.setExpressionHandler(expressions);
        MultipartConfigElement config = multipart.getIfAvailable();
        long maxUpload = config == null || config.getMaxRequestSize() < 0 ? Long.MAX_VALUE : config.getMaxRequestSize();
        BodyGate gate = new BodyGate(scopes, allowances.orderedStream().toList(),
                new BodyAllowance.Limit(maxUpload, "the " + maxUpload + " bytes an upload may have"
                        + " (spring.servlet.multipart.max-request-size)"),
                new BodyAllowance.Limit(properties.maxBodySize().toBytes(), "the " + properties.maxBodySize().toBytes()
                        + " bytes this endpoint takes (offshoot.requests.max-body-size)"));
        return new WebMvcConfigurer() {
            @Override
            public void addInterceptors(InterceptorRegistry registry) {
                registry.addInterceptor(gate).order(Ordered.HIGHEST_PRECEDENCE + 1);
            }
        };
    }
}
