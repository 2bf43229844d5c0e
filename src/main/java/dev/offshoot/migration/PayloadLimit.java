package dev.offshoot.migration;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import org.springframework.context.annotation.Configuration;
import org.springframework.http.HttpStatus;
import org.springframework.web.servlet.HandlerInterceptor;
import org.springframework.web.servlet.config.annotation.InterceptorRegistry;
import org.springframework.web.servlet.config.annotation.WebMvcConfigurer;

import dev.offshoot.config.MigrationProperties;
import dev.offshoot.web.ApiException;

/**
 * Refuses a body that announces a size far beyond the migration limit before it is read into
 * memory. The exact limit is applied to the migrations themselves once parsed; this check leaves
 * room for JSON escaping and multipart framing (twice the limit plus 64 KiB).
 */
@Configuration(proxyBeanMethods = false)
class PayloadLimit implements WebMvcConfigurer, HandlerInterceptor {

    private final MigrationProperties properties;

    PayloadLimit(MigrationProperties properties) {
        this.properties = properties;
    }

    @Override
    public void addInterceptors(InterceptorRegistry registry) {
        registry.addInterceptor(this).addPathPatterns("/api/v1/branches/*/migrations", "/api/v1/branches/*/migrations/check",
                "/api/v1/branches/*/sql", "/api/v1/templates/*/migrations");
    }

    @Override
    public boolean preHandle(HttpServletRequest request, HttpServletResponse response, Object handler) {
        long announced = request.getContentLengthLong();
        long allowed = 2 * properties.maxPayloadBytes() + 65_536;
        if (announced > allowed) {
            throw new ApiException(HttpStatus.CONTENT_TOO_LARGE, "PAYLOAD_TOO_LARGE", "the request body of "
                    + announced + " bytes exceeds what " + properties.maxPayloadBytes()
                    + " bytes of migrations or SQL can take (offshoot.migration.max-payload-bytes)");
        }
        return true;
    }
}
