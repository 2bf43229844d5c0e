package dev.offshoot.web;

import java.util.Optional;

import org.springframework.web.method.HandlerMethod;

/**
 * A feature's grant of a larger request body to some of its handlers than the default limit
 * (offshoot.requests.max-body-size). The first allowance that answers for a handler decides.
 */
public interface BodyAllowance {

    /**
     * @param bytes the most body bytes the handler takes
     * @param why   what the limit is, for the refusal, ending with the setting that raises it, e.g.
     *              {@code what 10485760 bytes of migrations or SQL can take (offshoot.migration.max-payload-bytes)}
     */
    record Limit(long bytes, String why) {
    }

    /** The limit of this handler's body, or empty when this feature does not own the handler. */
    Optional<Limit> limit(HandlerMethod handler);
}
