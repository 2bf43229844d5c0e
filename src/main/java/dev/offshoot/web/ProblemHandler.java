package dev.offshoot.web;

import java.sql.SQLTransientException;
import java.util.stream.Collectors;

import com.github.dockerjava.api.exception.DockerException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.dao.DataAccessResourceFailureException;
import org.springframework.dao.TransientDataAccessException;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.http.converter.HttpMessageNotReadableException;
import org.springframework.security.access.AccessDeniedException;
import org.springframework.security.authorization.AuthorizationDeniedException;
import org.springframework.security.authorization.ExpressionAuthorizationDecision;
import org.springframework.web.ErrorResponse;
import org.springframework.web.bind.MethodArgumentNotValidException;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;
import org.springframework.web.context.request.WebRequest;
import org.springframework.web.multipart.MaxUploadSizeExceededException;
import org.springframework.web.servlet.mvc.method.annotation.ResponseEntityExceptionHandler;

import dev.offshoot.error.OffshootException;


/**
 * Every error of the API as RFC 9457 problem details with a stable {@code code} and a
 * {@code retryable} flag. 4xx are logged at WARN, 5xx at ERROR; details never carry secrets.
 */
@RestControllerAdvice
class ProblemHandler extends ResponseEntityExceptionHandler {

    private static final Logger log = LoggerFactory.getLogger(ProblemHandler.class);
    /** Sent with every retryable 503: long enough for a pool or a name lock to free up. */
    static final int RETRY_AFTER_SECONDS = 2;

    @ExceptionHandler(OffshootException.class)
    ResponseEntity<ProblemDetail> api(OffshootException e) {
        HttpStatus status = status(e.kind());
        ResponseEntity<ProblemDetail> response = respond(status, e.code(), e.getMessage(), e.retryable(),
                status.is5xxServerError() ? e : null);
        e.properties().forEach(response.getBody()::setProperty);
        if (e.retryAfter() == null) {
            return response;
        }
        return ResponseEntity.status(response.getStatusCode()).headers(response.getHeaders())
                .header(HttpHeaders.RETRY_AFTER, String.valueOf(Math.max(1, e.retryAfter().toSeconds())))
                .body(response.getBody());
    }

    /** The one mapping from an error's kind to an HTTP status. */
    static HttpStatus status(OffshootException.Kind kind) {
        return switch (kind) {
            case INVALID -> HttpStatus.BAD_REQUEST;
            case UNAUTHENTICATED -> HttpStatus.UNAUTHORIZED;
            case FORBIDDEN -> HttpStatus.FORBIDDEN;
            case NOT_FOUND -> HttpStatus.NOT_FOUND;
            case CONFLICT -> HttpStatus.CONFLICT;
            case TOO_LARGE -> HttpStatus.CONTENT_TOO_LARGE;
            case UNSUPPORTED_MEDIA -> HttpStatus.UNSUPPORTED_MEDIA_TYPE;
            case UNPROCESSABLE -> HttpStatus.UNPROCESSABLE_CONTENT;
            case RATE_LIMITED -> HttpStatus.TOO_MANY_REQUESTS;
            case NOT_IMPLEMENTED -> HttpStatus.NOT_IMPLEMENTED;
            case FAILED -> HttpStatus.INTERNAL_SERVER_ERROR;
            case UPSTREAM_FAILED -> HttpStatus.BAD_GATEWAY;
            case UNAVAILABLE -> HttpStatus.SERVICE_UNAVAILABLE;
        };
    }

    /** Method security refused the call: the token lacks the scope the operation declares. */
    @ExceptionHandler(AccessDeniedException.class)
    ResponseEntity<ProblemDetail> accessDenied(AccessDeniedException e) {
        String needed = e instanceof AuthorizationDeniedException denied
                && denied.getAuthorizationResult() instanceof ExpressionAuthorizationDecision decision
                ? decision.getExpression().getExpressionString().replaceAll(".*SCOPE_(\\w+).*", "$1") : null;
        return respond(HttpStatus.FORBIDDEN, "INSUFFICIENT_SCOPE", needed == null
                ? "this token lacks the scope this call needs"
                : "this token lacks the " + needed + " scope this call needs", false, null);
    }

    @ExceptionHandler(DockerException.class)
    ResponseEntity<ProblemDetail> docker(DockerException e) {
        return respond(HttpStatus.BAD_GATEWAY, "RUNTIME_ERROR", "the Docker engine refused: " + e.getMessage(),
                true, e);
    }

    @Override
    protected ResponseEntity<Object> handleMethodArgumentNotValid(MethodArgumentNotValidException e,
            HttpHeaders headers, HttpStatusCode status, WebRequest request) {
        String detail = e.getBindingResult().getFieldErrors().stream()
                .map(f -> f.getField() + ": " + f.getDefaultMessage()).collect(Collectors.joining("; "));
        return asObject(respond(HttpStatus.BAD_REQUEST, "VALIDATION_FAILED", detail, false, null));
    }

    @Override
    protected ResponseEntity<Object> handleMaxUploadSizeExceededException(MaxUploadSizeExceededException e,
            HttpHeaders headers, HttpStatusCode status, WebRequest request) {
        return asObject(respond(HttpStatus.CONTENT_TOO_LARGE, "PAYLOAD_TOO_LARGE", "the upload exceeds the limit of "
                + e.getMaxUploadSize() + " bytes", false, null));
    }

    /** A body reader may stop a body with an OffshootException (e.g. a size limit): that one answers. */
    @Override
    protected ResponseEntity<Object> handleHttpMessageNotReadable(HttpMessageNotReadableException e,
            HttpHeaders headers, HttpStatusCode status, WebRequest request) {
        for (Throwable t = e.getCause(); t != null && t != t.getCause(); t = t.getCause()) {
            if (t instanceof OffshootException api) {
                return asObject(api(api));
            }
        }
        return super.handleHttpMessageNotReadable(e, headers, status, request);
    }

    /** Spring MVC's own errors (bad JSON, unknown path, wrong method...) get a code too. */
    @Override
    protected ResponseEntity<Object> handleExceptionInternal(Exception e, Object body, HttpHeaders headers,
            HttpStatusCode status, WebRequest request) {
        String detail = e instanceof ErrorResponse er && er.getBody().getDetail() != null
                ? er.getBody().getDetail() : HttpStatus.valueOf(status.value()).getReasonPhrase();
        String code = switch (status.value()) {
            case 400 -> "BAD_REQUEST";
            case 404 -> "NOT_FOUND";
            case 405 -> "METHOD_NOT_ALLOWED";
            case 406 -> "NOT_ACCEPTABLE";
            case 413 -> "PAYLOAD_TOO_LARGE";
            case 415 -> "UNSUPPORTED_MEDIA_TYPE";
            default -> "ERROR";
        };
        ProblemDetail problem = Problems.of(status, code, detail, false);
        log(status, code, detail, null);
        return ResponseEntity.status(status).headers(headers).body(problem);
    }

    /**
     * The metadata store momentarily out of connections (pool wait timed out) or unreachable: a
     * retryable 503, whether Spring translated the error or Spring Data JDBC wrapped it.
     */
    @ExceptionHandler({DataAccessResourceFailureException.class, TransientDataAccessException.class,
            SQLTransientException.class})
    ResponseEntity<ProblemDetail> metadataStoreBusy(Exception e) {
        return respond(HttpStatus.SERVICE_UNAVAILABLE, "METADATA_STORE_BUSY", "the metadata store is busy or"
                + " unreachable; retry later", true, e);
    }

    @ExceptionHandler(Exception.class)
    ResponseEntity<ProblemDetail> unexpected(Exception e) {
        for (Throwable t = e.getCause(); t != null && t != t.getCause(); t = t.getCause()) {
            if (t instanceof DataAccessResourceFailureException || t instanceof TransientDataAccessException
                    || t instanceof SQLTransientException) {
                return metadataStoreBusy(e);
            }
        }
        return respond(HttpStatus.INTERNAL_SERVER_ERROR, "INTERNAL_ERROR",
                "unexpected error; see the service log", true, e);
    }

    private static ResponseEntity<ProblemDetail> respond(HttpStatusCode status, String code, String detail,
            boolean retryable, Throwable cause) {
        log(status, code, detail, cause);
        ResponseEntity.BodyBuilder response = ResponseEntity.status(status);
        if (retryable && status.value() == HttpStatus.SERVICE_UNAVAILABLE.value()) {
            // the retry convention: a momentarily exhausted resource says when to come back
            response.header(HttpHeaders.RETRY_AFTER, String.valueOf(RETRY_AFTER_SECONDS));
        }
        return response.body(Problems.of(status, code, detail, retryable));
    }

    private static void log(HttpStatusCode status, String code, String detail, Throwable cause) {
        if (status.is5xxServerError()) {
            log.error("{} {}: {}", status.value(), code, detail, cause);
        } else {
            log.warn("{} {}: {}", status.value(), code, detail);
        }
    }

    @SuppressWarnings({"unchecked", "rawtypes"})
    private static ResponseEntity<Object> asObject(ResponseEntity<ProblemDetail> response) {
        return (ResponseEntity) response;
    }
}
