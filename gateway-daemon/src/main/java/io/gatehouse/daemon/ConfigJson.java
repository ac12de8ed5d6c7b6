package io.gatehouse.daemon;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.JsonSerializer;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.SerializerProvider;
import com.fasterxml.jackson.databind.module.SimpleModule;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import com.fasterxml.jackson.databind.ser.std.ToStringSerializer;
import io.gatehouse.config.Action;
import io.gatehouse.config.Cidr;
import io.gatehouse.config.GatewayConfig;
import io.gatehouse.config.HeaderRules;
import io.gatehouse.config.ListenAddress;
import io.gatehouse.config.ProxyPath;
import io.gatehouse.config.Regex;
import io.gatehouse.config.Route;
import io.gatehouse.config.Template;
import io.gatehouse.internal.config.Keys;
import io.gatehouse.internal.config.SecretNames;

import java.io.IOException;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.RecordComponent;
import java.net.InetAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Collection;
import java.util.Comparator;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * The effective configuration (every default applied) as JSON for the admin listener's {@code /config}, written as the
 * YAML is: each value under the key that sets it ({@link Keys}: {@code connections}, {@code queue}, a proxy's
 * {@code timeouts.connect}, {@code health.path}), choices as written ({@code round-robin}), durations as in YAML
 * ({@code 30s}, {@code 500ms}), addresses, networks, patterns and templates as strings, header rules as mappings of
 * names to values, and each route's action under its kind ({@code proxy}, {@code files}, {@code redirect}, …).
 * Secrets are redacted as {@link SecretNames} decides: the value of any key named like a secret (a header rule's
 * header name is its key), and the {@code matches} next to a {@code name} named like one (header conditions),
 * becomes {@value #REDACTED}; a certificate's {@code key} is the path of its key file, shown as written, and nothing
 * read from a certificate or key file is ever shown.
 */
final class ConfigJson {

    static final String REDACTED = SecretNames.REDACTED;

    private static final ObjectMapper MAPPER = new ObjectMapper()
            .enable(SerializationFeature.INDENT_OUTPUT)
            .registerModule(new SimpleModule("gatehouse-config")
                    .addSerializer(Duration.class, new DurationSerializer())
                    .addSerializer(Cidr.class, new CidrSerializer())
                    .addSerializer(ListenAddress.class, ToStringSerializer.instance)
                    .addSerializer(Path.class, ToStringSerializer.instance)
                    .addSerializer(Pattern.class, ToStringSerializer.instance)
                    .addSerializer(Regex.class, ToStringSerializer.instance)
                    .addSerializer(Template.class, ToStringSerializer.instance));

    private ConfigJson() {
    }

    static String of(GatewayConfig config) throws IOException {
        return render(node(config));
    }

    /** {@code value} keyed as in YAML: a config record as a mapping of its keys, a value as it would be written. */
    private static JsonNode node(Object value) {
        if (value instanceof Record record && !Keys.SCALARS.contains(record.getClass())) {
            return mapping(record);
        }
        if (value instanceof Optional<?> optional) {
            return optional.isPresent() ? node(optional.get()) : NullNode.instance;
        }
        if (value instanceof Enum<?> choice) {
            return TextNode.valueOf(Keys.spelling(choice));
        }
        if (value instanceof Collection<?> items) {
            ArrayNode array = MAPPER.createArrayNode();
            // A set's order is its hash order: sort it, so that one configuration always reads the same.
            (value instanceof Set<?> ? items.stream().map(ConfigJson::node).sorted(Comparator.comparing(JsonNode::asText))
                    : items.stream().map(ConfigJson::node)).forEach(array::add);
            return array;
        }
        if (value instanceof Map<?, ?> entries) {
            ObjectNode mapping = MAPPER.createObjectNode();
            new TreeMap<>(entries.entrySet().stream().collect(Collectors.toMap(e -> String.valueOf(e.getKey()), Map.Entry::getValue)))
                    .forEach((key, entry) -> mapping.set(key, node(entry)));
            return mapping;
        }
        return MAPPER.valueToTree(value);
    }

    /**
     * A record's components under the keys that fill them; the components no key fills ({@link Keys#NOT_KEYS}): a
     * route's action under its kind, with a proxy route's {@code path} or {@code stripPrefix} in it when it has one,
     * the active check's keys in {@code health}, the others left out.
     */
    private static ObjectNode mapping(Record record) {
        ObjectNode mapping = MAPPER.createObjectNode();
        for (RecordComponent component : record.getClass().getRecordComponents()) {
            Object value = valueOf(record, component);
            JsonNode shown = isHeaderList(component) ? headers((List<?>) value) : node(value);
            Optional<Keys.Key<?>> key = Keys.filling(record.getClass(), component.getName());
            if (key.isPresent()) {
                Keys.Section section = key.get().section();
                ObjectNode parent = section.record() != null ? mapping : nested(mapping, section.path().substring(section.path().lastIndexOf('.') + 1));
                parent.set(key.get().name(), shown);
                continue;
            }
            switch (record.getClass().getSimpleName() + "." + component.getName()) {
                case "Route.action" -> mapping.set(((Action) value).kind(), node(value));
                case "Route.proxyPath" -> {
                    if (!((ProxyPath) value).unchanged()) {
                        nested(mapping, ((Route) record).action().kind()).setAll(mapping((Record) value));
                    }
                }
                case "Health.check" -> ((Optional<?>) value).ifPresent(check -> mapping.setAll(mapping((Record) check)));
                default -> {
                    // where the configuration or a route was written: not a key
                }
            }
        }
        return mapping;
    }

    /** Whether {@code component} holds header rules, which YAML writes as a mapping of names to values. */
    private static boolean isHeaderList(RecordComponent component) {
        return component.getGenericType() instanceof ParameterizedType type
                && type.getActualTypeArguments()[0] == HeaderRules.Header.class;
    }

    private static ObjectNode headers(List<?> headers) {
        ObjectNode mapping = MAPPER.createObjectNode();
        for (Object item : headers) {
            HeaderRules.Header header = (HeaderRules.Header) item;
            mapping.set(header.name(), node(header.value()));
        }
        return mapping;
    }

    private static ObjectNode nested(ObjectNode mapping, String key) {
        return mapping.get(key) instanceof ObjectNode existing ? existing : mapping.putObject(key);
    }

    private static Object valueOf(Record record, RecordComponent component) {
        try {
            return component.getAccessor().invoke(record);
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("cannot read " + component, e);
        }
    }

    private static String render(JsonNode tree) throws IOException {
        redact(tree);
        return MAPPER.writeValueAsString(tree) + "\n";
    }

    private static void redact(JsonNode node) {
        redact(node, false);
    }

    /**
     * @param certificate whether {@code node} is, or lists, {@code {cert, key}} mappings, whose {@code key} is the path
     *                    of a file that only the gateway's user can read: where it is helps, and hides nothing of it
     */
    private static void redact(JsonNode node, boolean certificate) {
        if (node instanceof ObjectNode object) {
            JsonNode name = object.get(Keys.HEADER_NAME.name());
            boolean secretPair = name != null && name.isTextual() && SecretNames.isSecret(name.asText());
            for (Iterator<Map.Entry<String, JsonNode>> it = object.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> field = it.next();
                String key = field.getKey();
                boolean keyFile = certificate && key.equals(Keys.CERTIFICATE_KEY.name());
                if (field.getValue().isValueNode() && !field.getValue().isNull() && ((SecretNames.isSecret(key) && !keyFile)
                        || (secretPair && key.equals(Keys.HEADER_MATCHES.name())))) {
                    field.setValue(TextNode.valueOf(REDACTED));
                } else {
                    redact(field.getValue(), key.equals(Keys.TLS_CERTIFICATES.name()) || key.equals(Keys.VHOST_TLS_CERTIFICATE.name()));
                }
            }
        } else if (node instanceof ArrayNode array) {
            array.forEach(item -> redact(item, certificate));
        }
    }

    private static final class DurationSerializer extends JsonSerializer<Duration> {
        @Override
        public void serialize(Duration value, JsonGenerator out, SerializerProvider provider) throws IOException {
            long millis = value.toMillis();
            out.writeString(millis % 1000 == 0 ? millis / 1000 + "s" : millis + "ms");
        }
    }

    private static final class CidrSerializer extends JsonSerializer<Cidr> {
        @Override
        public void serialize(Cidr value, JsonGenerator out, SerializerProvider provider) throws IOException {
            out.writeString(InetAddress.getByAddress(value.network()).getHostAddress() + "/" + value.prefixLength());
        }
    }
}
