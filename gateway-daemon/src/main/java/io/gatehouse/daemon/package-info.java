/**
 * The {@code gatehouse} daemon: Gatehouse run as a process from a YAML file, as an operator runs nginx or HAProxy. Not
 * a library API: only {@link io.gatehouse.daemon.Main}, the command, is public, and the daemon may use Gatehouse's
 * internal packages because it ships with them.
 * <p>
 * {@link io.gatehouse.daemon.Main} parses the command line ({@code run}, {@code check}, {@code reload}) and maps every
 * outcome to a documented exit status. {@code run} ({@code Daemon}) loads and validates the configuration, writes the
 * {@code pidFile}, binds the listeners, serves until SIGTERM or SIGINT, then drains for
 * {@code shutdown.drainTimeout}. SIGHUP, {@code gatehouse reload} and, with {@code watch: true}, a change of the
 * file's content reload it ({@code Reloader}): the whole file is validated before anything is swapped, and a file
 * that fails changes nothing. SIGUSR1 reopens the access log for log rotation. The event log is one line per event on
 * standard error ({@code OperatorLogging}), repeats summarised with a count; the optional admin listener
 * ({@code AdminServer}) serves {@code /metrics}, {@code /healthz}, {@code /readyz} and {@code /config} on an address
 * of its own, refusing Host names it does not know.
 */
package io.gatehouse.daemon;
