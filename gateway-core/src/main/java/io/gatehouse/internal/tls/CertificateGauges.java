package io.gatehouse.internal.tls;

import io.gatehouse.GatewayMeters;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.nio.file.Path;
import java.time.Instant;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.atomic.AtomicReference;

/**
 * {@code gatehouse.tls.certificate.expiry}: when each certificate expires, in seconds since the epoch, tagged with its
 * {@code cert} file. One series per file for the life of a gateway; it reads the certificate of whichever
 * configuration most recently {@linkplain #track tracked} that file, so a reload with a renewed certificate moves the
 * value forward, and a file no configuration names any more reads NaN.
 *
 * <p>Thread-safe: the gauges are read on the registry's scraping thread while a reload tracks new certificates.
 */
public final class CertificateGauges {

    private final MeterRegistry registry;
    private final ConcurrentMap<Path, AtomicReference<Instant>> expiries = new ConcurrentHashMap<>();

    /**
     * Public for the handler tree in {@code io.gatehouse}, which keeps one for the life of a gateway.
     *
     * @param registry where the gauges are registered
     */
    public CertificateGauges(MeterRegistry registry) {
        this.registry = registry;
    }

    /**
     * Makes {@code certificate} the source of its file's gauge, registering the gauge the first time.
     *
     * @param certificate a certificate as a configuration read it
     * @return a handle that gives the gauge up again, unless a newer configuration has taken it over since
     */
    public AutoCloseable track(CertificatePair certificate) {
        AtomicReference<Instant> current = expiries.computeIfAbsent(certificate.files().cert(), file -> {
            AtomicReference<Instant> fresh = new AtomicReference<>();
            Gauge.builder(GatewayMeters.TLS_CERTIFICATE_EXPIRY, fresh, ref -> {
                        Instant notAfter = ref.get();
                        return notAfter == null ? Double.NaN : notAfter.getEpochSecond();
                    })
                    .description("When the certificate expires, in seconds since the epoch")
                    .tag("certificate", file.toString())
                    .baseUnit("seconds")
                    .strongReference(true)
                    .register(registry);
            return fresh;
        });
        Instant notAfter = certificate.notAfter();
        current.set(notAfter);
        return () -> current.compareAndSet(notAfter, null);
    }
}
