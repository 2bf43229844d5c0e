package dev.offshoot.gateway;

import java.sql.Timestamp;
import java.time.Instant;
import java.util.List;

import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;

/**
 * The gateway's certificate authority in the metadata store ({@code gateway_ca}, one row): made by
 * the first replica that needs it, read by every other and at every restart, so the CA clients
 * were given stays the one the gateway's certificates chain to. Concurrent first starts settle on
 * the row that was inserted first.
 */
@Component
class AuthorityStore {

    private final JdbcTemplate jdbc;

    AuthorityStore(JdbcTemplate jdbc) {
        this.jdbc = jdbc;
    }

    CertificateAuthority load(String commonName) {
        List<CertificateAuthority> stored = read();
        if (!stored.isEmpty()) {
            return stored.getFirst();
        }
        CertificateAuthority made = CertificateAuthority.create(commonName);
        jdbc.update("INSERT INTO gateway_ca (id, certificate, private_key, created_at) VALUES (1, ?, ?, ?)"
                + " ON CONFLICT (id) DO NOTHING", made.certificatePem(), made.keyPem(), Timestamp.from(Instant.now()));
        return read().getFirst();
    }

    private List<CertificateAuthority> read() {
        return jdbc.query("SELECT certificate, private_key FROM gateway_ca WHERE id = 1",
                (rs, i) -> CertificateAuthority.fromPem(rs.getString(1), rs.getString(2)));
    }
}
