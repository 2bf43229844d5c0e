package dev.offshoot.web;

import jakarta.servlet.DispatcherType;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.servlet.http.Part;
import java.util.Collection;
import java.util.List;
import java.util.Optional;

import org.springframework.core.MethodParameter;
import org.springframework.core.ResolvableType;
import org.springframework.security.authorization.AuthorizationDeniedException;
import org.springframework.security.authorization.AuthorizationResult;
import org.springframework.security.authorization.method.PreAuthorizeAuthorizationManager;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.security.util.SimpleMethodInvocation;
import org.springframework.web.bind.annotation.RequestPart;
import org.springframework.web.method.HandlerMethod;
import org.springframework.web.multipart.MultipartFile;
import org.springframework.web.servlet.HandlerInterceptor;

import dev.offshoot.error.OffshootException.Kind;
import dev.offshoot.error.OffshootException;

/**
 * Decides, from the handler Spring MVC matched and before any of the body is read, whether the
 * caller may send it: first the scope the handler declares ({@code @PreAuthorize}, checked again
 * by method security when the handler runs, which is after its arguments were read), then whether
 * the handler takes multipart uploads at all, then the announced length against the handler's
 * limit. The multipart resolver is lazy, so only a handler that takes uploads ever makes the
 * servlet container read (and spool) a multipart body.
 */
final class BodyGate implements HandlerInterceptor {

    static final String LIMIT_ATTRIBUTE = BodyGate.class.getName() + ".limit";

    private final PreAuthorizeAuthorizationManager scopes;
    private final List<BodyAllowance> allowances;
    private final BodyAllowance.Limit uploads;
    private final BodyAllowance.Limit others;

    BodyGate(PreAuthorizeAuthorizationManager scopes, List<BodyAllowance> allowances, BodyAllowance.Limit uploads,
            BodyAllowance.Limit others) {
        this.scopes = scopes;
        this.allowances = allowances;
        this.uploads = uploads;
        this.others = others;
    }

    @Override
    public boolean preHandle(HttpServletRequest request, HttpServletResponse response, Object handler) {
        if (request.getDispatcherType() != DispatcherType.REQUEST) {
            return true;
        }
        HandlerMethod method = handler instanceof HandlerMethod m ? m : null;
        if (method != null) {
            authorize(method);
        }
        boolean takesUploads = method != null && takesUploads(method);
        if (isMultipart(request) && !takesUploads) {
            throw new OffshootException(Kind.UNSUPPORTED_MEDIA, "UNSUPPORTED_MEDIA_TYPE",
                    "this endpoint takes no multipart body");
        }
        BodyAllowance.Limit limit = limitOf(method, takesUploads);
        request.setAttribute(LIMIT_ATTRIBUTE, limit);
        if (request.getContentLengthLong() > limit.bytes()) {
            throw tooLarge(limit);
        }
        return true;
    }

    static OffshootException tooLarge(BodyAllowance.Limit limit) {
        return new OffshootException(Kind.TOO_LARGE, "PAYLOAD_TOO_LARGE", "the request body exceeds "
                + limit.why());
    }

    /** The same decision method security makes when the handler runs, made before its body is read. */
    private void authorize(HandlerMethod method) {
        AuthorizationResult result = scopes.authorize(SecurityContextHolder.getContext()::getAuthentication,
                new SimpleMethodInvocation(method.getBean(), method.getMethod()));
        if (result != null && !result.isGranted()) {
            throw new AuthorizationDeniedException("Access Denied", result);
        }
    }

    private BodyAllowance.Limit limitOf(HandlerMethod method, boolean takesUploads) {
        if (method == null) {
            return others;
        }
        return allowances.stream().map(a -> a.limit(method)).flatMap(Optional::stream).findFirst()
                .orElse(takesUploads ? uploads : others);
    }

    /** A handler with a {@code @RequestPart} or a MultipartFile / Part parameter (alone, in a list or an array). */
    static boolean takesUploads(HandlerMethod method) {
        for (MethodParameter parameter : method.getMethodParameters()) {
            ResolvableType type = ResolvableType.forMethodParameter(parameter);
            Class<?> element = type.isArray() ? type.getComponentType().resolve()
                    : Collection.class.isAssignableFrom(type.toClass()) ? type.asCollection().resolveGeneric()
                    : type.resolve();
            if (parameter.hasParameterAnnotation(RequestPart.class) || element != null
                    && (MultipartFile.class.isAssignableFrom(element) || Part.class.isAssignableFrom(element))) {
                return true;
            }
        }
        return false;
    }

    private static boolean isMultipart(HttpServletRequest request) {
        String type = request.getContentType();
        return type != null && type.regionMatches(true, 0, "multipart/", 0, 10);
    }
}
