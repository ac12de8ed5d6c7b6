package io.gatehouse.config;

import io.gatehouse.internal.config.ConfigNode;
import io.gatehouse.internal.config.Problems;
import java.io.IOException;
import java.nio.charset.CharacterCodingException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Optional;

/** Reads YAML into {@link GatewayConfig}, collecting every problem with its location. */
final class ConfigLoader {

    private ConfigLoader() {
    }

    /**
     * Parses {@code file} (UTF-8) and binds it in one pass; relative paths in it are taken from the file's
     * directory.
     *
     * @throws ConfigException with every problem found, in file order; an unreadable file is one problem too
     */
    static GatewayConfig load(Path file) {
        Problems problems = new Problems(Optional.of(file.toString()));
        String yaml = read(file, problems);
        ConfigNode root = yaml == null ? null : YamlTree.parse(yaml, problems);
        GatewayConfig config = null;
        if (root != null) {
            Path directory = file.toAbsolutePath().getParent();
            config = new ConfigReader(problems, directory).read(root, Optional.of(file));
        }
        problems.throwIfAny();
        return config;
    }

    private static String read(Path file, Problems problems) {
        try {
            return Files.readString(file);
        } catch (NoSuchFileException e) {
            problems.add(0, 0, "", "no such file");
        } catch (CharacterCodingException e) {
            problems.add(0, 0, "", "not UTF-8 text");
        } catch (IOException e) {
            problems.add(0, 0, "", "cannot read the file: " + e);
        }
        return null;
    }
}
