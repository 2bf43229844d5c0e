package dev.offshoot.gateway;

import java.io.IOException;
import java.io.StringReader;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.net.InetAddress;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;

import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.openssl.PEMKeyPair;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.openssl.jcajce.JcaPKCS8Generator;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.operator.ContentSigner;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * The gateway's own certificate authority (BouncyCastle): an EC P-256 key and a self-signed CA
 * certificate made once, and server certificates it signs for the names clients connect to. P-256
 * because its handshakes cost a fraction of RSA's, and every libpq, JDK and OpenSSL speaks it.
 *
 * @param certificate the CA certificate (what clients trust: {@code sslrootcert})
 * @param key         its private key; never leaves the service except into the metadata store
 */
record CertificateAuthority(X509Certificate certificate, PrivateKey key) {

    private static final SecureRandom RANDOM = new SecureRandom();
    private static final Duration CA_VALIDITY = Duration.ofDays(3650);
    /** Below the 398 days clients such as browsers accept; the gateway signs a new one at every start. */
    private static final Duration SERVER_VALIDITY = Duration.ofDays(397);
    private static final String SIGNATURE = "SHA256withECDSA";

    /** A server certificate and its key. */
    record Issued(X509Certificate certificate, PrivateKey key) {
    }

    /** Names the certificate only: the key must never reach a log. */
    @Override
    public String toString() {
        return "CertificateAuthority[" + certificate.getSubjectX500Principal() + "]";
    }

    static CertificateAuthority create(String commonName) {
        KeyPair pair = newKeyPair();
        X500Name subject = new X500Name("CN=" + commonName);
        try {
            JcaX509ExtensionUtils ext = new JcaX509ExtensionUtils();
            X509v3CertificateBuilder builder = builder(subject, subject, pair, CA_VALIDITY)
                    .addExtension(Extension.basicConstraints, true, new BasicConstraints(0))
                    .addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign))
                    .addExtension(Extension.subjectKeyIdentifier, false, ext.createSubjectKeyIdentifier(pair.getPublic()));
            return new CertificateAuthority(sign(builder, pair.getPrivate()), pair.getPrivate());
        } catch (IOException | GeneralSecurityException e) {
            throw new IllegalStateException("could not make the gateway's certificate authority", e);
        }
    }

    /** A server certificate for these DNS names (wildcards allowed) and IP addresses. */
    Issued issue(List<String> dnsNames, List<InetAddress> addresses) {
        KeyPair pair = newKeyPair();
        String first = dnsNames.isEmpty() ? addresses.getFirst().getHostAddress() : dnsNames.getFirst();
        try {
            JcaX509ExtensionUtils ext = new JcaX509ExtensionUtils();
            GeneralName[] names = java.util.stream.Stream.concat(
                    dnsNames.stream().map(n -> new GeneralName(GeneralName.dNSName, n)),
                    addresses.stream().map(a -> new GeneralName(GeneralName.iPAddress, a.getHostAddress())))
                    .toArray(GeneralName[]::new);
            X509v3CertificateBuilder builder = builder(X500Name.getInstance(
                    certificate.getSubjectX500Principal().getEncoded()), new X500Name("CN=" + first), pair,
                    SERVER_VALIDITY)
                    .addExtension(Extension.basicConstraints, true, new BasicConstraints(false))
                    .addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature))
                    .addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(KeyPurposeId.id_kp_serverAuth))
                    .addExtension(Extension.subjectAlternativeName, false, new GeneralNames(names))
                    .addExtension(Extension.authorityKeyIdentifier, false,
                            ext.createAuthorityKeyIdentifier(certificate));
            return new Issued(sign(builder, key), pair.getPrivate());
        } catch (IOException | GeneralSecurityException e) {
            throw new IllegalStateException("could not sign the gateway's server certificate", e);
        }
    }

    String certificatePem() {
        return pem(certificate);
    }

    /** The key as PKCS#8 ("PRIVATE KEY"), which every reader takes. */
    String keyPem() {
        try {
            return pem(new JcaPKCS8Generator(key, null));
        } catch (org.bouncycastle.util.io.pem.PemGenerationException e) {
            throw new IllegalStateException(e);
        }
    }

    static CertificateAuthority fromPem(String certificatePem, String keyPem) {
        try (PEMParser certs = new PEMParser(new StringReader(certificatePem));
                PEMParser keys = new PEMParser(new StringReader(keyPem))) {
            X509Certificate cert = new JcaX509CertificateConverter().getCertificate((X509CertificateHolder) certs.readObject());
            Object read = keys.readObject();
            JcaPEMKeyConverter converter = new JcaPEMKeyConverter();
            PrivateKey key = converter.getPrivateKey(read instanceof PEMKeyPair pair ? pair.getPrivateKeyInfo()
                    : (PrivateKeyInfo) read);
            return new CertificateAuthority(cert, key);
        } catch (IOException | GeneralSecurityException | ClassCastException e) {
            throw new IllegalStateException("the stored gateway certificate authority cannot be read", e);
        }
    }

    static String pem(Object object) {
        StringWriter out = new StringWriter();
        try (JcaPEMWriter writer = new JcaPEMWriter(out)) {
            writer.writeObject(object);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toString();
    }

    private static X509v3CertificateBuilder builder(X500Name issuer, X500Name subject, KeyPair pair,
            Duration validity) {
        Instant now = Instant.now();
        return new JcaX509v3CertificateBuilder(issuer, new BigInteger(127, RANDOM),
                Date.from(now.minus(Duration.ofHours(1))), Date.from(now.plus(validity)), subject, pair.getPublic());
    }

    private static X509Certificate sign(X509v3CertificateBuilder builder, PrivateKey signer)
            throws GeneralSecurityException {
        try {
            ContentSigner contentSigner = new JcaContentSignerBuilder(SIGNATURE).build(signer);
            return new JcaX509CertificateConverter().getCertificate(builder.build(contentSigner));
        } catch (OperatorCreationException e) {
            throw new GeneralSecurityException(e);
        }
    }

    private static KeyPair newKeyPair() {
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
            generator.initialize(new ECGenParameterSpec("secp256r1"), RANDOM);
            return generator.generateKeyPair();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }
}
