package io.gatehouse.internal.spawn;

import io.gatehouse.Gateway;
import io.gatehouse.config.GatewayConfig;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.UUID;
import java.util.stream.Collectors;

/**
 * A test's php-cgi: the gateway configuration that spawns it, tagged with a marker unique to the test (an ini
 * setting on php-cgi's command line), and the processes carrying that marker, found from the process table.
 */
final class SpawnedPhpCgi {

    static final Path PHP_CGI = Path.of("/usr/bin/php-cgi");

    final String marker;
    final Path root;

    SpawnedPhpCgi(Path root) throws IOException {
        this(root, "gatehouse.test_marker=" + UUID.randomUUID());
    }

    /** With a given marker: another JVM's gateway spawns php-cgi with it, this one finds those processes by it. */
    SpawnedPhpCgi(Path root, String marker) throws IOException {
        this.root = root;
        this.marker = marker;
        Files.writeString(root.resolve("hello.php"), "<?php echo 'hello ', $_GET['name'] ?? '';",
                StandardCharsets.UTF_8);
    }

    /** A gateway on an ephemeral port whose files action spawns one php-cgi master with two workers. */
    GatewayConfig config() {
        return GatewayConfig.builder().listen("127.0.0.1:0").vhost(v -> v.hosts("*").files(f -> f.root(root.toString())
                .fastcgi(c -> c.spawn(s -> s.command(PHP_CGI + " -d " + marker).processes(1).children(2))))).build();
    }

    /** Every live process started for this test: wrappers, php-cgi masters and workers. */
    List<ProcessHandle> processes() {
        return ProcessHandle.allProcesses().filter(p -> p.isAlive()
                && p.info().arguments().map(args -> List.of(args).contains(marker)).orElse(false)).toList();
    }

    /** The php-cgi masters: php-cgi processes whose parent is not php-cgi. */
    List<ProcessHandle> masters() {
        return processes().stream().filter(SpawnedPhpCgi::isPhpCgi)
                .filter(p -> p.parent().map(parent -> !isPhpCgi(parent)).orElse(true)).toList();
    }

    static boolean isPhpCgi(ProcessHandle process) {
        return process.info().command().map(command -> command.contains("php-cgi")).orElse(false);
    }

    static String pids(List<ProcessHandle> processes) {
        return processes.stream().map(p -> Long.toString(p.pid())).collect(Collectors.joining(" "));
    }

    /**
     * For the SIGKILL test: runs a gateway that spawns php-cgi marked with {@code args[1]} in {@code args[0]}, prints
     * the pids of its processes, then waits.
     */
    public static void main(String[] args) throws Exception {
        SpawnedPhpCgi php = new SpawnedPhpCgi(Path.of(args[0]), args[1]);
        Gateway gateway = Gateway.start(php.config());
        System.out.println("pids " + pids(php.processes()) + " port " + gateway.addresses().get(0).getPort());
        System.out.flush();
        Thread.sleep(Long.MAX_VALUE);
    }
}
