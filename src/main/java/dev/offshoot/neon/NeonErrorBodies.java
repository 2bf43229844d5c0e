package dev.offshoot.neon;

import java.util.LinkedHashMap;
import java.util.Map;

import org.springframework.core.MethodParameter;
import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;
import org.springframework.http.converter.HttpMessageConverter;
import org.springframework.http.server.ServerHttpRequest;
import org.springframework.http.server.ServerHttpResponse;
import org.springframework.web.bind.annotation.ControllerAdvice;
import org.springframework.web.servlet.mvc.method.annotation.ResponseBodyAdvice;

/**
 * Errors under /api/v2 in Neon's shape, {@code {"code": ..., "message": ...}}, so Neon's clients
 * print the message. Status and code come from the one mapping of errors for the whole API
 * (web/ProblemHandler, which also writes /api/v1's RFC 9457 problems): only the body is reshaped.
 * Refusals of the security chain (401 before any handler runs) keep the problem shape, which carries
 * the same {@code code}; Neon's clients show their own message for a 401.
 */
@ControllerAdvice
class NeonErrorBodies implements ResponseBodyAdvice<Object> {

    static final String PREFIX = "/api/v2/";
    static final String PATHS = PREFIX + "**";

    @Override
    public boolean supports(MethodParameter returnType, Class<? extends HttpMessageConverter<?>> converterType) {
        return true;
    }

    @Override
    public Object beforeBodyWrite(Object body, MethodParameter returnType, MediaType selectedContentType,
            Class<? extends HttpMessageConverter<?>> selectedConverterType, ServerHttpRequest request,
            ServerHttpResponse response) {
        if (!(body instanceof ProblemDetail problem) || !request.getURI().getPath().startsWith(PREFIX)) {
            return body;
        }
        Map<String, Object> neon = new LinkedHashMap<>();
        Object code = problem.getProperties() == null ? null : problem.getProperties().get("code");
        neon.put("code", code == null ? "ERROR" : code);
        neon.put("message", problem.getDetail() == null ? problem.getTitle() : problem.getDetail());
        response.getHeaders().setContentType(MediaType.APPLICATION_JSON);
        return neon;
    }
}
