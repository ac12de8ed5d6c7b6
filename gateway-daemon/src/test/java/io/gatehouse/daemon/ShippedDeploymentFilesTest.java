package io.gatehouse.daemon;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.gatehouse.config.GatewayConfig;
import io.gatehouse.config.ListenAddress;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The deployment files ship without a container engine or a cluster to try them on here, so they are checked for
 * what can be checked: they parse, and the names, ports and deadlines they share with each other and with the
 * gateway's configuration agree.
 */
class ShippedDeploymentFilesTest {

    private static final Path REPO = Path.of(System.getProperty("gatehouse.repo", ".."));
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

    @Test
    void kubernetesManifestsReferToEachOther() throws IOException {
        Map<String, JsonNode> manifests = manifests();
        JsonNode configMap = manifests.get("ConfigMap");
        JsonNode deployment = manifests.get("Deployment");
        JsonNode service = manifests.get("Service");
        JsonNode pod = deployment.at("/spec/template/spec");
        JsonNode container = pod.at("/containers/0");
        Map<String, Integer> ports = named(container.get("ports"), port -> port.get("containerPort").asInt());

        assertEquals(configMap.at("/metadata/name").asText(), pod.at("/volumes/0/configMap/name").asText());
        assertEquals("/etc/gatehouse", container.at("/volumeMounts/0/mountPath").asText(), "mounted as a directory, so updates arrive");
        assertTrue(container.at("/volumeMounts/0/subPath").isMissingNode(), "kubelet never updates a subPath mount");
        assertEquals(List.of("run", "/etc/gatehouse/gatehouse.yaml"), YAML.convertValue(container.get("args"), List.class));
        assertEquals(deployment.at("/spec/selector/matchLabels"), service.at("/spec/selector"));
        assertEquals(deployment.at("/spec/selector/matchLabels"), deployment.at("/spec/template/metadata/labels"));
        assertTrue(ports.containsKey(service.at("/spec/ports/0/targetPort").asText()), "the Service targets a named container port");
        assertEquals("/readyz", container.at("/readinessProbe/httpGet/path").asText());
        assertEquals("/healthz", container.at("/livenessProbe/httpGet/path").asText());
        assertEquals("admin", container.at("/readinessProbe/httpGet/port").asText());
        assertEquals("admin", container.at("/livenessProbe/httpGet/port").asText());
    }

    @Test
    void configMapWatchesItselfAndListensOnTheContainerPort() throws IOException {
        Map<String, JsonNode> manifests = manifests();
        JsonNode gatehouse = YAML.readTree(manifests.get("ConfigMap").at("/data/gatehouse.yaml").asText());
        JsonNode container = manifests.get("Deployment").at("/spec/template/spec/containers/0");
        Map<String, Integer> ports = named(container.get("ports"), port -> port.get("containerPort").asInt());

        assertTrue(gatehouse.get("watch").asBoolean(), "watch: true, so a ConfigMap update reloads");
        assertEquals((int) ports.get("http"), ListenAddress.parse(gatehouse.at("/listen/0").asText()).port());
        assertEquals((int) ports.get("admin"), ListenAddress.parse(gatehouse.at("/admin/listen").asText()).port());
    }

    @Test
    void podRunsAsTheImagesNonRootUserWithoutPrivileges() throws IOException {
        JsonNode pod = manifests().get("Deployment").at("/spec/template/spec");
        JsonNode container = pod.at("/containers/0");
        Matcher user = Pattern.compile("(?m)^USER (\\d+):(\\d+)$").matcher(Files.readString(REPO.resolve("Dockerfile")));

        assertTrue(user.find(), "the Dockerfile sets a numeric USER");
        assertTrue(pod.at("/securityContext/runAsNonRoot").asBoolean());
        assertEquals(user.group(1), pod.at("/securityContext/runAsUser").asText());
        assertFalse(container.at("/securityContext/allowPrivilegeEscalation").asBoolean(true));
        assertEquals("ALL", container.at("/securityContext/capabilities/drop/0").asText());
    }

    @Test
    void kubernetesGracePeriodOutlastsTheDrainAndThePreStopPause() throws IOException {
        Map<String, JsonNode> manifests = manifests();
        JsonNode gatehouse = YAML.readTree(manifests.get("ConfigMap").at("/data/gatehouse.yaml").asText());
        JsonNode pod = manifests.get("Deployment").at("/spec/template/spec");
        long drain = seconds(gatehouse.at("/shutdown/drainTimeout").asText());
        long preStop = pod.at("/containers/0/lifecycle/preStop/exec/command/1").asLong();

        assertTrue(pod.get("terminationGracePeriodSeconds").asLong() > drain + preStop,
                "grace " + pod.get("terminationGracePeriodSeconds") + "s, drain " + drain + "s, preStop " + preStop + "s");
    }

    @Test
    void containerRunsWithTheLaunchersJvmOptionsExceptAHeapSizedByItsMemoryLimit() throws IOException {
        Matcher container = Pattern.compile("ENV GATEHOUSE_JAVA_OPTS=\"([^\"]+)\"").matcher(Files.readString(REPO.resolve("Dockerfile")));
        assertTrue(container.find(), "the Dockerfile sets GATEHOUSE_JAVA_OPTS");

        List<String> heapSize = List.of("-Xms", "-Xmx", "-XX:MinHeapFreeRatio=", "-XX:MaxHeapFreeRatio=", "-XX:MaxRAMPercentage=");
        assertEquals(jvmOptionsBut(launcherRunDefaults(), heapSize), jvmOptionsBut(container.group(1), heapSize));
        assertTrue(container.group(1).contains("-XX:MaxRAMPercentage="), "the container's heap follows its memory limit");
    }

    @Test
    void systemdUnitExampleOptionsAreTheLaunchersWithALargerHeap() throws IOException {
        Matcher unit = Pattern.compile("GATEHOUSE_JAVA_OPTS=([^\"]+)\"").matcher(Files.readString(REPO.resolve("config/gatehouse.service")));
        assertTrue(unit.find(), "the unit shows GATEHOUSE_JAVA_OPTS");

        assertEquals(jvmOptionsBut(launcherRunDefaults(), List.of("-Xmx")), jvmOptionsBut(unit.group(1), List.of("-Xmx")));
    }

    /** The JVM options {@code bin/gatehouse run} uses when {@code GATEHOUSE_JAVA_OPTS} is not set. */
    private static String launcherRunDefaults() throws IOException {
        Matcher defaults = Pattern.compile("\\*\\) default_opts=\"([^\"]+)\"").matcher(Files.readString(REPO.resolve("bin/gatehouse")));
        assertTrue(defaults.find(), "bin/gatehouse has the run defaults");
        return defaults.group(1);
    }

    /** The options of a shell or Dockerfile string (continued lines joined), without those that start with one of {@code excluded}. */
    private static List<String> jvmOptionsBut(String options, List<String> excluded) {
        return Pattern.compile("\\s+").splitAsStream(options.replace("\\\n", " ").trim())
                .filter(option -> excluded.stream().noneMatch(option::startsWith))
                .toList();
    }

    @Test
    void containerDefaultConfigurationIsValid() throws Exception {
        GatewayConfig config = GatewayConfig.load(REPO.resolve("deploy/container/gatehouse.yaml"));

        assertEquals(List.of(new ListenAddress("0.0.0.0", 8080)), config.listen());
    }

    @Test
    void systemdUnitStopsAfterTheDrainAndKeepsOnlyTheBindCapability() throws Exception {
        Map<String, String> unit = Files.readAllLines(REPO.resolve("config/gatehouse.service")).stream()
                .filter(line -> line.matches("^[A-Za-z]+=.*"))
                .collect(Collectors.toMap(line -> line.substring(0, line.indexOf('=')), line -> line.substring(line.indexOf('=') + 1),
                        (first, second) -> first));
        Duration drain = GatewayConfig.load(REPO.resolve("config/gatehouse.yaml")).shutdown().drainTimeout();

        assertTrue(seconds(unit.get("TimeoutStopSec")) > drain.toSeconds(), "TimeoutStopSec " + unit.get("TimeoutStopSec"));
        assertEquals("mixed", unit.get("KillMode"), "SIGTERM to the gateway alone, which stops its php-cgi after the drain");
        assertEquals("CAP_NET_BIND_SERVICE", unit.get("AmbientCapabilities"));
        assertEquals("CAP_NET_BIND_SERVICE", unit.get("CapabilityBoundingSet"));
        assertEquals("yes", unit.get("NoNewPrivileges"));
        assertEquals("strict", unit.get("ProtectSystem"));
        assertEquals("/bin/kill -HUP $MAINPID", unit.get("ExecReload"));
        assertEquals("/opt/gatehouse/bin/gatehouse run /etc/gatehouse/gatehouse.yaml", unit.get("ExecStart"));
        assertTrue(GatewayConfig.load(REPO.resolve("config/gatehouse.yaml")).pidFile().orElseThrow()
                .startsWith(Path.of("/run/" + unit.get("RuntimeDirectory"))), "the pidFile is in the unit's RuntimeDirectory");
    }

    /** Every manifest in deploy/kubernetes, by kind (one of each). */
    private static Map<String, JsonNode> manifests() throws IOException {
        try (var files = Files.list(REPO.resolve("deploy/kubernetes"))) {
            return files.filter(file -> file.toString().endsWith(".yaml")).map(file -> {
                try {
                    return YAML.readTree(file.toFile());
                } catch (IOException e) {
                    throw new IllegalStateException(file + " does not parse", e);
                }
            }).collect(Collectors.toMap(manifest -> manifest.get("kind").asText(), Function.identity()));
        }
    }

    private static <T> Map<String, T> named(JsonNode list, Function<JsonNode, T> value) {
        Map<String, T> byName = new java.util.LinkedHashMap<>();
        list.forEach(item -> byName.put(item.get("name").asText(), value.apply(item)));
        return byName;
    }

    /** {@code 45s} or {@code 45} as seconds. */
    private static long seconds(String text) {
        return Long.parseLong(text.strip().replaceAll("s$", ""));
    }
}
