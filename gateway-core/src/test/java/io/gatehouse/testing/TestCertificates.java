package io.gatehouse.testing;

import org.bouncycastle.asn1.DERBitString;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.asn1.x509.SubjectPublicKeyInfo;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.openssl.jcajce.JcaMiscPEMGenerator;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.operator.ContentSigner;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.bouncycastle.util.io.pem.PemObject;

import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.security.interfaces.ECPrivateKey;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/**
 * Certificates made for a test: a test CA, and leaf certificates for names like {@code a.test} and {@code *.b.test}
 * signed by it, written as the PEM files certbot and openssl write (a full chain, leaf first, and a private key as
 * PKCS#8, PKCS#1 RSA or SEC1 EC). Clients trust the CA through {@link #clientContext()} or {@link #caFile()}.
 *
 * <pre>
 *   TestCertificates ca = TestCertificates.create(dir);
 *   TestCertificates.Issued a = ca.issue("a.test").ec().write();          // a.pem + a.key (PKCS#8)
 *   TestCertificates.Issued b = ca.issue("*.b.test", "b.test").rsa().keyForm(KeyForm.PKCS1).write();
 * </pre>
 */
public final class TestCertificates {

    /** How a private key is written. */
    public enum KeyForm {
        /** {@code BEGIN PRIVATE KEY}: what {@code openssl genpkey} and certbot (since 2.0, EC) write. */
        PKCS8,
        /** {@code BEGIN RSA PRIVATE KEY} or {@code BEGIN EC PRIVATE KEY}: {@code openssl genrsa}/{@code ecparam}. */
        TRADITIONAL
    }

    private static final AtomicLong SERIALS = new AtomicLong(System.nanoTime());

    private final Path dir;
    private final KeyPair caKeys;
    private final X509Certificate ca;
    private final Path caFile;

    private TestCertificates(Path dir, KeyPair caKeys, X509Certificate ca, Path caFile) {
        this.dir = dir;
        this.caKeys = caKeys;
        this.ca = ca;
        this.caFile = caFile;
    }

    /** A new test CA (EC P-256, valid for a day either side of now), its certificate written to {@code dir/ca.pem}. */
    public static TestCertificates create(Path dir) {
        KeyPair keys = ecKeys();
        X500Name name = new X500Name("CN=Gatehouse Test CA " + SERIALS.incrementAndGet());
        Instant now = Instant.now();
        try {
            X509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(name, serial(),
                    Date.from(now.minus(Duration.ofDays(1))), Date.from(now.plus(Duration.ofDays(3650))), name, keys.getPublic());
            builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(true));
            builder.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign));
            X509Certificate ca = sign(builder, keys.getPrivate());
            Path file = dir.resolve("ca.pem");
            Files.writeString(file, pem(ca));
            return new TestCertificates(dir, keys, ca, file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The CA's certificate, as PEM. */
    public Path caFile() {
        return caFile;
    }

    /** The CA's certificate. */
    public X509Certificate ca() {
        return ca;
    }

    /** A TLS client context (TLS 1.3 and 1.2) that trusts this CA only. */
    public SSLContext clientContext() {
        try {
            KeyStore trust = KeyStore.getInstance(KeyStore.getDefaultType());
            trust.load(null, null);
            trust.setCertificateEntry("ca", ca);
            TrustManagerFactory factory = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            factory.init(trust);
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(null, factory.getTrustManagers(), null);
            return context;
        } catch (GeneralSecurityException | IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * Starts a leaf certificate for {@code names} (subject alternative names, an IP literal as an IP address; the
     * first is also the common name).
     * EC P-256, valid from a day ago for 90 days, PKCS#8 key, unless the returned request says otherwise.
     */
    public Request issue(String... names) {
        return new Request(List.of(names));
    }

    /** A leaf certificate being described; {@link #write()} makes it. */
    public final class Request {
        private final List<String> names;
        private boolean rsa;
        private KeyForm keyForm = KeyForm.PKCS8;
        private Instant notBefore = Instant.now().minus(Duration.ofDays(1));
        private Instant notAfter = Instant.now().plus(Duration.ofDays(90));
        private String fileName;
        private boolean withChain = true;

        private Request(List<String> names) {
            this.names = names;
            this.fileName = names.get(0).replace("*", "_wildcard");
        }

        /** An RSA 2048 key instead of EC P-256. */
        public Request rsa() {
            rsa = true;
            return this;
        }

        /** An EC P-256 key (the default). */
        public Request ec() {
            rsa = false;
            return this;
        }

        public Request keyForm(KeyForm form) {
            keyForm = form;
            return this;
        }

        /** Valid from {@code notBefore} to {@code notAfter}. */
        public Request validity(Instant notBefore, Instant notAfter) {
            this.notBefore = notBefore;
            this.notAfter = notAfter;
            return this;
        }

        /** The files' base name: {@code NAME.pem} and {@code NAME.key} (default: the first name). */
        public Request fileName(String name) {
            fileName = name;
            return this;
        }

        /** Writes the leaf alone, without the CA after it. */
        public Request leafOnly() {
            withChain = false;
            return this;
        }

        /** Makes the key and certificate and writes them in the test's directory. */
        public Issued write() {
            KeyPair keys = rsa ? rsaKeys() : ecKeys();
            try {
                X509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(new X500Name(ca.getSubjectX500Principal().getName()),
                        serial(), Date.from(notBefore), Date.from(notAfter), new X500Name("CN=" + names.get(0)), keys.getPublic());
                GeneralName[] alternatives = names.stream().map(name -> new GeneralName(
                        name.matches("[0-9.]+|.*:.*") ? GeneralName.iPAddress : GeneralName.dNSName, name))
                        .toArray(GeneralName[]::new);
                builder.addExtension(Extension.subjectAlternativeName, false, new GeneralNames(alternatives));
                builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(false));
                X509Certificate leaf = sign(builder, caKeys.getPrivate());
                Path certificate = dir.resolve(fileName + ".pem");
                Path key = dir.resolve(fileName + ".key");
                Files.writeString(certificate, withChain ? pem(leaf) + pem(ca) : pem(leaf));
                Files.writeString(key, keyPem(keys, keyForm));
                return new Issued(certificate, key, leaf, keys.getPrivate());
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }

    /**
     * A leaf certificate and its files.
     *
     * @param certificate the PEM chain: the leaf, then the CA unless {@link Request#leafOnly()}
     * @param key         the PEM private key
     */
    public record Issued(Path certificate, Path key, X509Certificate leaf, PrivateKey privateKey) {

        /** A TLS server context (TLS 1.3 and 1.2) presenting the leaf, then {@code chainAfterLeaf}, with its key. */
        public SSLContext serverContext(X509Certificate... chainAfterLeaf) {
            try {
                KeyStore keys = KeyStore.getInstance("PKCS12");
                keys.load(null, null);
                Certificate[] chain = new Certificate[chainAfterLeaf.length + 1];
                chain[0] = leaf;
                System.arraycopy(chainAfterLeaf, 0, chain, 1, chainAfterLeaf.length);
                keys.setKeyEntry("server", privateKey, new char[0], chain);
                KeyManagerFactory factory = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
                factory.init(keys, new char[0]);
                SSLContext context = SSLContext.getInstance("TLS");
                context.init(factory.getKeyManagers(), null, null);
                return context;
            } catch (GeneralSecurityException | IOException e) {
                throw new IllegalStateException(e);
            }
        }
    }

    /** {@code certificate} as a PEM block. */
    public static String pem(X509Certificate certificate) {
        try {
            return write(new JcaMiscPEMGenerator(certificate));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String keyPem(KeyPair keys, KeyForm form) {
        PrivateKey key = keys.getPrivate();
        if (form == KeyForm.PKCS8) {
            return write(new PemObject("PRIVATE KEY", key.getEncoded()));
        }
        if (key instanceof ECPrivateKey ec) {
            // As openssl writes SEC1: with the curve and the public key, which BC leaves out for a JCA key (and
            // without the curve, nothing can read the key).
            PrivateKeyInfo info = PrivateKeyInfo.getInstance(key.getEncoded());
            byte[] point = SubjectPublicKeyInfo.getInstance(keys.getPublic().getEncoded()).getPublicKeyData().getBytes();
            org.bouncycastle.asn1.sec.ECPrivateKey sec1 = new org.bouncycastle.asn1.sec.ECPrivateKey(
                    ec.getParams().getOrder().bitLength(), ec.getS(), new DERBitString(point),
                    info.getPrivateKeyAlgorithm().getParameters());
            try {
                return write(new PemObject("EC PRIVATE KEY", sec1.getEncoded()));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        // PKCS#1 RSA is what BC writes for a JCA RSA key.
        try {
            return write(new JcaMiscPEMGenerator(key));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String write(Object pem) {
        StringWriter out = new StringWriter();
        try (JcaPEMWriter writer = new JcaPEMWriter(out)) {
            if (pem instanceof PemObject object) {
                writer.writeObject(object);
            } else {
                writer.writeObject((org.bouncycastle.util.io.pem.PemObjectGenerator) pem);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toString();
    }

    private static X509Certificate sign(X509v3CertificateBuilder builder, PrivateKey by) {
        try {
            ContentSigner signer = new JcaContentSignerBuilder(by.getAlgorithm().equals("RSA") ? "SHA256withRSA" : "SHA256withECDSA")
                    .build(by);
            return new JcaX509CertificateConverter().getCertificate(builder.build(signer));
        } catch (OperatorCreationException | GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    private static BigInteger serial() {
        return BigInteger.valueOf(SERIALS.incrementAndGet());
    }

    private static KeyPair ecKeys() {
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
            generator.initialize(new ECGenParameterSpec("secp256r1"));
            return generator.generateKeyPair();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    private static KeyPair rsaKeys() {
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
            generator.initialize(2048);
            return generator.generateKeyPair();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }
}
