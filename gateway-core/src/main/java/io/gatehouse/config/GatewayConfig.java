package io.gatehouse.config;

import io.gatehouse.internal.config.Keys;
import io.gatehouse.internal.config.Problems;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * The whole configuration of a gateway: immutable and thread-safe, and the same whether it came from YAML
 * ({@link #load(Path)}) or from {@link #builder()}.
 *
 * <p>Validation happens in two places, split by what a check needs to see:
 * <ul>
 *   <li>A rule about one record's own values is checked by its constructor, the Java way for a record's
 *       invariants: no record holds a value the YAML would refuse for its key, so none can be passed around
 *       invalid. A refused value throws {@link IllegalArgumentException} naming the key, like
 *       {@code proxy.connections: must be 1 or more, got 0} ({@link NullPointerException} for a missing one); this
 *       constructor refuses an empty {@code listen} or {@code vhosts}.</li>
 *   <li>A rule across records cannot be checked by one constructor: a host pattern claimed by two vhosts on one
 *       listener (two {@code *} vhosts, say), an admin listener sharing a public one, a route template using a
 *       group its {@code match} lacks. {@link #validate()} checks those and throws a {@link ConfigException}
 *       listing every problem found, each under the key path YAML would have ({@code vhosts[1].hosts[0]}), at
 *       line and column 0 and without a file.</li>
 * </ul>
 * {@link #load(Path)} and {@link GatewayConfigBuilder#build()} run both and report every problem at once, with
 * file, line and column for YAML. {@code Gateway.start}, {@code Gateway.handler} and {@code Gateway.reload} call
 * {@link #validate()} first, so a configuration built from the records in code that breaks a rule across records
 * never starts serving.
 *
 * <p>{@code pidFile} and {@code watch} are read by the {@code gatehouse} daemon only (where to write its process
 * id; whether to reload when the file changes); an embedded {@code Gateway} ignores them.
 *
 * @param listen    the listeners of vhosts without their own ({@code listen}); never empty
 * @param forwarded how forwarding headers are trusted, cleaned and sent ({@code forwarded})
 * @param timeouts  how long the gateway waits for clients and backends ({@code timeouts})
 * @param limits    request size limits ({@code limits})
 * @param accessLog where and how requests are logged ({@code accessLog})
 * @param shutdown  how a stop or reload drains requests ({@code shutdown})
 * @param vhosts    the virtual hosts, in order; never empty
 * @param source    the file the configuration was read from; empty when it was built in code
 * @param admin     the daemon's admin listener ({@code admin}); {@link AdminConfig#OFF} unless configured
 * @param pidFile   where the daemon writes its process id ({@code pidFile})
 * @param watch     whether the daemon reloads when the file changes ({@code watch})
 * @param log       how the operator log summarises repeats ({@code log})
 * @param tls       the certificates, protocols and ciphers of the {@code tls} listeners ({@code tls});
 *                  {@link TlsConfig#DEFAULTS} unless configured
 */
public record GatewayConfig(
        List<ListenAddress> listen,
        ForwardedConfig forwarded,
        Timeouts timeouts,
        Limits limits,
        AccessLogConfig accessLog,
        ShutdownConfig shutdown,
        List<VirtualHost> vhosts,
        Optional<Path> source,
        AdminConfig admin,
        Optional<Path> pidFile,
        boolean watch,
        LogConfig log,
        TlsConfig tls) {

    /** {@code listen} when not given: every IPv4 address, port 80, as nginx's default. */
    public static final List<ListenAddress> DEFAULT_LISTEN = List.of(new ListenAddress("0.0.0.0", 80));

    /**
     * Copies the lists; checks that there is a listener and a vhost.
     *
     * @param listen    at least one
     * @param forwarded not null
     * @param timeouts  not null
     * @param limits    not null
     * @param accessLog not null
     * @param shutdown  not null
     * @param vhosts    at least one
     * @param source    the file, or empty
     * @param admin     not null; {@link AdminConfig#OFF} for none
     * @param pidFile   the file, or empty
     * @param watch     whether the daemon watches the file
     * @param log       not null
     * @param tls       not null; {@link TlsConfig#DEFAULTS} for none
     * @throws IllegalArgumentException when {@code listen} or {@code vhosts} is empty, naming the key
     * @throws NullPointerException     for a missing component, naming its key
     */
    public GatewayConfig {
        listen = List.copyOf(RecordChecks.notEmpty(Keys.LISTEN, listen));
        RecordChecks.present(Keys.TOP_FORWARDED, forwarded);
        RecordChecks.present(Keys.TOP_TIMEOUTS, timeouts);
        RecordChecks.present(Keys.TOP_LIMITS, limits);
        RecordChecks.present(Keys.TOP_ACCESS_LOG, accessLog);
        RecordChecks.present(Keys.TOP_SHUTDOWN, shutdown);
        vhosts = List.copyOf(RecordChecks.notEmpty(Keys.VHOSTS, vhosts));
        Objects.requireNonNull(source, "source");
        RecordChecks.present(Keys.TOP_ADMIN, admin);
        RecordChecks.present(Keys.PID_FILE, pidFile);
        RecordChecks.present(Keys.TOP_LOG, log);
        RecordChecks.present(Keys.TOP_TLS, tls);
    }

    /**
     * A configuration without {@code tls} ({@link TlsConfig#DEFAULTS}): the canonical constructor before TLS
     * listeners existed, kept for code that builds the records itself.
     *
     * @param listen    at least one
     * @param forwarded not null
     * @param timeouts  not null
     * @param limits    not null
     * @param accessLog not null
     * @param shutdown  not null
     * @param vhosts    at least one
     * @param source    the file, or empty
     * @param admin     not null; {@link AdminConfig#OFF} for none
     * @param pidFile   the file, or empty
     * @param watch     whether the daemon watches the file
     * @param log       not null
     * @throws IllegalArgumentException when {@code listen} or {@code vhosts} is empty, naming the key
     * @throws NullPointerException     for a missing component, naming its key
     */
    public GatewayConfig(List<ListenAddress> listen, ForwardedConfig forwarded, Timeouts timeouts, Limits limits,
                         AccessLogConfig accessLog, ShutdownConfig shutdown, List<VirtualHost> vhosts, Optional<Path> source,
                         AdminConfig admin, Optional<Path> pidFile, boolean watch, LogConfig log) {
        this(listen, forwarded, timeouts, limits, accessLog, shutdown, vhosts, source, admin, pidFile, watch, log,
                TlsConfig.DEFAULTS);
    }

    /**
     * Reads and validates a YAML file (UTF-8); relative paths in it are taken from the file's directory.
     *
     * @param file the YAML file
     * @return the configuration, every default applied
     * @throws ConfigException with every problem of the file, each with line, column and key path; a file that
     *                         cannot be read is one problem
     */
    public static GatewayConfig load(Path file) {
        return ConfigLoader.load(file);
    }

    /**
     * A fluent builder that applies the same defaults and validation as the YAML loader, except that its access log
     * is off unless asked for; without {@code listen} it binds {@code 0.0.0.0:80}, as YAML does.
     *
     * @return a new builder
     */
    public static GatewayConfigBuilder builder() {
        return new GatewayConfigBuilder();
    }

    /**
     * Checks the rules across records (see the class description): every host pattern belongs to one vhost per
     * listener and is written as YAML would normalise it, the admin listener shares no public listener, and every
     * route's templates use only groups of its {@code match}. A configuration from {@link #load(Path)} or the
     * builder always passes; {@code Gateway} calls this before it serves one.
     *
     * @throws ConfigException with every problem found, each under its YAML key path, at line and column 0
     */
    public void validate() {
        Problems problems = new Problems(Optional.empty());
        CrossChecks.check(this, problems);
        TlsChecks.check(this, problems);
        problems.throwIfAny();
    }

    /**
     * The listeners of {@code vhost}: its own, or the gateway's default ones.
     *
     * @param vhost one of {@link #vhosts()}
     * @return the addresses it is served on
     */
    public List<ListenAddress> listenersOf(VirtualHost vhost) {
        return vhost.listen().isEmpty() ? listen : vhost.listen();
    }

    /**
     * What is valid but probably wrong, for {@code gatehouse check} and the daemon's log at start and reload: routes
     * that an earlier route of their vhost always shadows; a certificate that expires within 14 days, or that can no
     * longer be read; a host of a vhost on a {@code tls} listener that no certificate covers. The certificate files
     * are read again for it.
     *
     * @return the warnings, each naming the file and key path (and for a route its line); empty when there are none
     */
    public List<ConfigProblem> warnings() {
        List<ConfigProblem> warnings = new ArrayList<>(RouteShadowing.warnings(this));
        warnings.addAll(TlsWarnings.of(this, Instant.now()));
        return List.copyOf(warnings);
    }

    /** @return every distinct listener some vhost is bound to, in configuration order */
    public Set<ListenAddress> allListeners() {
        Set<ListenAddress> all = new LinkedHashSet<>();
        for (VirtualHost vhost : vhosts) {
            all.addAll(listenersOf(vhost));
        }
        return all;
    }
}
