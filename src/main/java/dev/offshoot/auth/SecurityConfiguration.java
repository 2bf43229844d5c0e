package dev.offshoot.auth;

import jakarta.servlet.DispatcherType;
import jakarta.servlet.http.HttpServletRequest;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpMethod;
import org.springframework.http.HttpStatus;
import org.springframework.security.access.hierarchicalroles.RoleHierarchy;
import org.springframework.security.access.hierarchicalroles.RoleHierarchyImpl;
import org.springframework.security.authentication.AuthenticationManager;
import org.springframework.security.authentication.BadCredentialsException;
import org.springframework.security.authentication.ProviderManager;
import org.springframework.security.config.annotation.method.configuration.EnableMethodSecurity;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.config.annotation.web.configuration.EnableWebSecurity;
import org.springframework.security.config.http.SessionCreationPolicy;
import org.springframework.security.web.AuthenticationEntryPoint;
import org.springframework.security.web.SecurityFilterChain;
import org.springframework.security.web.access.AccessDeniedHandler;
import org.springframework.security.web.authentication.AuthenticationEntryPointFailureHandler;
import org.springframework.security.web.authentication.AuthenticationFilter;
import org.springframework.security.web.authentication.www.BasicAuthenticationFilter;
import org.springframework.security.web.context.RequestAttributeSecurityContextRepository;
import org.springframework.security.web.firewall.RequestRejectedHandler;
import org.springframework.security.web.header.writers.ReferrerPolicyHeaderWriter;

import dev.offshoot.web.Problems;

/**
 * Who may call what. Stateless bearer authentication; rules are deny-by-default and match the
 * normalised path (the firewall has already refused encoded slashes, dots, semicolons, backslashes
 * and null bytes, so what is matched here is what Spring MVC routes). Open: the webhooks (they
 * check their own signatures) and health probes. Everything under /api and /mcp needs a valid
 * token; which scope an operation needs is declared on the operation (method security), with
 * admin implying write and write implying read. Every refusal is a problem document. The web
 * console's static files are open: it keeps the token in the tab's sessionStorage and sends it as
 * a bearer header like any client, so there is no cookie and no cross-site request can carry it.
 */
@Configuration(proxyBeanMethods = false)
@EnableWebSecurity
@EnableMethodSecurity
class SecurityConfiguration {

    /**
     * Only the service's own files run in the console (no inline script or style, no CDN), and no
     * other site may frame it: an injected string can neither run nor leak through a third party.
     */
    static final String CONTENT_SECURITY_POLICY = "default-src 'self'; script-src 'self'; style-src 'self';"
            + " img-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'none';"
            + " frame-ancestors 'none'";

    /** The scope authorities, each implying the ones below it. */
    @Bean
    static RoleHierarchy scopeHierarchy() {
        return RoleHierarchyImpl.fromHierarchy("""
                SCOPE_admin > SCOPE_write
                SCOPE_admin > SCOPE_approve
                SCOPE_write > SCOPE_read
                SCOPE_approve > SCOPE_read
                """);
    }

    @Bean
    AuthenticationManager tokenAuthenticationManager(TokenService tokens) {
        return new ProviderManager(new TokenAuthenticationProvider(tokens));
    }

    @Bean
    SecurityFilterChain api(HttpSecurity http, AuthenticationManager tokens) throws Exception {
        AuthenticationEntryPoint unauthorized = (request, response, e) -> {
            response.setHeader(HttpHeaders.WWW_AUTHENTICATE, "Bearer");
            Problems.write(response, HttpStatus.UNAUTHORIZED, "UNAUTHORIZED", e instanceof BadCredentialsException
                    ? "invalid, expired or revoked bearer token"
                    : "missing bearer token: send Authorization: Bearer <token>");
        };
        AccessDeniedHandler forbidden = (request, response, e) -> Problems.write(response, HttpStatus.FORBIDDEN,
                "FORBIDDEN", "this token may not call " + request.getMethod() + " on this path");
        AuthenticationFilter bearer = new AuthenticationFilter(tokens, SecurityConfiguration::presentedToken);
        bearer.setSuccessHandler((request, response, authentication) -> { });
        bearer.setFailureHandler(new AuthenticationEntryPointFailureHandler(unauthorized));
        bearer.setSecurityContextRepository(new RequestAttributeSecurityContextRepository());

        return http
                .csrf(c -> c.disable())
                .cors(c -> c.disable())
                .httpBasic(c -> c.disable())
                .formLogin(c -> c.disable())
                .logout(c -> c.disable())
                .requestCache(c -> c.disable())
                .sessionManagement(s -> s.sessionCreationPolicy(SessionCreationPolicy.STATELESS))
                .securityContext(c -> c.securityContextRepository(new RequestAttributeSecurityContextRepository()))
                .addFilterAt(bearer, BasicAuthenticationFilter.class)
                .headers(h -> h
                        .contentSecurityPolicy(c -> c.policyDirectives(CONTENT_SECURITY_POLICY))
                        .referrerPolicy(r -> r.policy(ReferrerPolicyHeaderWriter.ReferrerPolicy.NO_REFERRER)))
                .exceptionHandling(e -> e.authenticationEntryPoint(unauthorized).accessDeniedHandler(forbidden))
                .authorizeHttpRequests(a -> a
                        // error pages render a refusal already decided; async dispatches continue an authorised call
                        .dispatcherTypeMatchers(DispatcherType.ERROR, DispatcherType.ASYNC).permitAll()
                        .requestMatchers("/api/v1/webhooks/**").permitAll()
                        // the console's static files: they hold no data; everything they show comes from /api with a token
                        .requestMatchers(HttpMethod.GET, "/", "/index.html", "/console/**").permitAll()
                        .requestMatchers("/actuator/health", "/actuator/health/**").permitAll()
                        .requestMatchers("/actuator/prometheus").hasAuthority(TokenAuthentication.authority(Scope.READ))
                        .requestMatchers("/api/**", "/mcp", "/mcp/**").authenticated()
                        .anyRequest().denyAll())
                .build();
    }

    /** Requests the firewall refuses (encoded slashes or dots, ;, //, \, %00...) get a 400 problem. */
    @Bean
    RequestRejectedHandler requestRejected() {
        return (request, response, e) -> Problems.write(response, HttpStatus.BAD_REQUEST, "REQUEST_REJECTED",
                "the request path or headers are not in normal form (encoded slashes or dots, ';', '//', '\\\\',"
                        + " control characters...); send the plain path");
    }

    /** {@code Authorization: Bearer <secret>}; anything else is no token at all (then 401 where one is needed). */
    private static TokenAuthentication presentedToken(HttpServletRequest request) {
        String header = request.getHeader(HttpHeaders.AUTHORIZATION);
        if (header == null || !header.regionMatches(true, 0, "Bearer ", 0, 7)) {
            return null;
        }
        String secret = header.substring(7).strip();
        if (secret.isEmpty()) {
            throw new BadCredentialsException("empty bearer token");
        }
        return TokenAuthentication.presented(secret);
    }
}
