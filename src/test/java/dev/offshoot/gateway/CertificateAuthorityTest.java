package dev.offshoot.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.security.cert.X509Certificate;
import java.util.List;

import org.junit.jupiter.api.Test;

class CertificateAuthorityTest {

    @Test
    void theStoredAuthorityReadsBackAndSignsServerCertificatesThatChainToIt() throws Exception {
        CertificateAuthority made = CertificateAuthority.create("test CA");
        CertificateAuthority read = CertificateAuthority.fromPem(made.certificatePem(), made.keyPem());

        CertificateAuthority.Issued issued = read.issue(List.of("gw.example", "*.db.example"),
                List.of(InetAddress.getByName("127.0.0.1")));
        X509Certificate server = issued.certificate();

        server.verify(made.certificate().getPublicKey());
        assertThat(server.getSubjectAlternativeNames()).extracting(n -> (Object) n.get(1))
                .containsExactly("gw.example", "*.db.example", "127.0.0.1");
        assertThat(made.certificate().getBasicConstraints()).isZero();
        assertThat(server.getBasicConstraints()).isEqualTo(-1);
        assertThat(made.keyPem()).startsWith("-----BEGIN PRIVATE KEY-----");
        assertThat(made.toString()).doesNotContain("PRIVATE");
    }

    @Test
    void aGeneratedCertificateNamesTheAdvertisedHostTheDomainAndTheLoopback() {
        assertThat(GatewayTls.dnsNames("offshoot.example.com", "db.example.com"))
                .containsExactly("offshoot.example.com", "*.db.example.com", "db.example.com", "localhost");
        assertThat(GatewayTls.dnsNames("10.1.2.3", "")).containsExactly("localhost");
        assertThat(GatewayTls.addresses("10.1.2.3")).extracting(InetAddress::getHostAddress)
                .startsWith("10.1.2.3").contains("127.0.0.1");
    }
}
