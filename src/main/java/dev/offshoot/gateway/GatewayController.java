package dev.offshoot.gateway;

import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.security.access.prepost.PreAuthorize;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

import dev.offshoot.auth.Scopes;
import dev.offshoot.error.OffshootException;

/**
 * The gateway's certificate authority for clients: saved as {@code sslrootcert} (or
 * {@code ~/.postgresql/root.crt}), it lets {@code sslmode=verify-full} check the gateway's server
 * certificate. Not secret; the key never leaves the service.
 */
@RestController
@PreAuthorize(Scopes.READ)
@RequestMapping("/api/v1/gateway")
class GatewayController {

    static final MediaType PEM = MediaType.parseMediaType("application/x-pem-file");

    private final GatewayTls tls;

    GatewayController(GatewayTls tls) {
        this.tls = tls;
    }

    /** The content type is set on the answer, so a client asking for JSON still gets the PEM file. */
    @GetMapping("/ca.pem")
    ResponseEntity<String> authority() {
        String pem = tls.authorityPem();
        if (pem == null) {
            throw OffshootException.notFound("NO_GATEWAY_CA", "the gateway serves the operator's certificate"
                    + " (offshoot.gateway.tls.certificate-file); verify it with the CA that issued it");
        }
        return ResponseEntity.ok().contentType(PEM).body(pem);
    }
}
