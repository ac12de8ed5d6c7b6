package io.gatehouse.daemon;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.JsonSerializer;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.SerializerProvider;
import com.fasterxml.jackson.databind.module.SimpleModule;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import com.fasterxml.jackson.databind.ser.std.ToStringSerializer;
import io.gatehouse.config.Cidr;
import io.gatehouse.config.GatewayConfig;
import io.gatehouse.config.ListenAddress;
import io.gatehouse.config.Regex;
import io.gatehouse.config.SecretNames;
import io.gatehouse.config.Template;

import java.io.IOException;
import java.net.InetAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Iterator;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The effective configuration (every default applied) as JSON for the admin listener's {@code /config}, with secrets
 * redacted as {@link SecretNames} decides: the value of any key named like a secret, and the {@code value} or
 * {@code matches} next to a {@code name} named like one (header rules, header conditions), becomes
 * {@value #REDACTED}. Durations read as in YAML ({@code 30s}, {@code 500ms}), addresses, networks, patterns and
 * templates as strings, and each route's action under its kind ({@code proxy}, {@code files}, {@code redirect}, …).
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
                    .addSerializer(Template.class, ToStringSerializer.instance)
                    .addSerializer(Optional.class, new OptionalSerializer()));

    private ConfigJson() {
    }

    static String of(GatewayConfig config) throws IOException {
        ObjectNode tree = MAPPER.valueToTree(config);
        JsonNode vhosts = tree.get("vhosts");
        for (int i = 0; vhosts instanceof ArrayNode && i < vhosts.size(); i++) {
            JsonNode routes = vhosts.get(i).get("routes");
            for (int j = 0; routes instanceof ArrayNode && j < routes.size(); j++) {
                ObjectNode route = (ObjectNode) routes.get(j);
                route.remove("origin");
                JsonNode action = route.remove("action");
                route.set(config.vhosts().get(i).routes().get(j).action().kind(), action);
            }
        }
        return render(tree);
    }

    /** Any value as redacted JSON: what {@link #of} does after naming the actions. */
    static String redacted(Object value) throws IOException {
        return render(MAPPER.valueToTree(value));
    }

    private static String render(JsonNode tree) throws IOException {
        redact(tree);
        return MAPPER.writeValueAsString(tree) + "\n";
    }

    private static void redact(JsonNode node) {
        if (node instanceof ObjectNode object) {
            JsonNode name = object.get("name");
            boolean secretPair = name != null && name.isTextual() && SecretNames.isSecret(name.asText());
            for (Iterator<Map.Entry<String, JsonNode>> it = object.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> field = it.next();
                String key = field.getKey();
                if (field.getValue().isValueNode() && !field.getValue().isNull() && (SecretNames.isSecret(key)
                        || (secretPair && (key.equals("value") || key.equals("matches"))))) {
                    field.setValue(TextNode.valueOf(REDACTED));
                } else {
                    redact(field.getValue());
                }
            }
        } else if (node instanceof ArrayNode array) {
            array.forEach(ConfigJson::redact);
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

    @SuppressWarnings("rawtypes")
    private static final class OptionalSerializer extends JsonSerializer<Optional> {
        @Override
        public void serialize(Optional value, JsonGenerator out, SerializerProvider provider) throws IOException {
            if (value.isPresent()) {
                provider.defaultSerializeValue(value.get(), out);
            } else {
                out.writeNull();
            }
        }
    }
}
