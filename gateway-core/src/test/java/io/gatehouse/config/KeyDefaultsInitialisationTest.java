package io.gatehouse.config;

import io.gatehouse.internal.config.Keys;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.File;
import java.net.MalformedURLException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Path;
import java.util.Arrays;

import static org.junit.jupiter.api.Assertions.assertNotNull;

/**
 * {@link Keys} holds defaults that records' {@code DEFAULTS} are built from, and those records' checks name keys:
 * whichever of the two a program touches first, both initialise. Each case loads the classes afresh, so the named
 * class is the first of the configuration's classes to be initialised.
 */
class KeyDefaultsInitialisationTest {

    @ParameterizedTest
    @ValueSource(strings = {"Timeouts", "Limits", "LogConfig", "ShutdownConfig", "AccessLogConfig", "ProxyConfig$Health",
            "ForwardedConfig", "FilesConfig$Gzip", "TlsConfig", "VhostTls", "Keys"})
    void theDefaultsAreThereWhicheverClassIsInitialisedFirst(String first) throws Exception {
        URL[] classPath = Arrays.stream(System.getProperty("java.class.path").split(File.pathSeparator))
                .map(KeyDefaultsInitialisationTest::url).toArray(URL[]::new);
        try (URLClassLoader fresh = new URLClassLoader(classPath, ClassLoader.getPlatformClassLoader())) {
            Class.forName(first.equals("Keys") ? Keys.class.getName() : GatewayConfig.class.getPackageName() + "." + first, true, fresh);
            for (String type : new String[] {"Timeouts", "Limits", "LogConfig", "ShutdownConfig", "AccessLogConfig",
                    "ProxyConfig$Health", "TlsConfig"}) {
                assertNotNull(Class.forName(GatewayConfig.class.getPackageName() + "." + type, true, fresh).getField("DEFAULTS").get(null),
                        type + ".DEFAULTS after " + first);
            }
            assertNotNull(Class.forName(Keys.class.getName(), true, fresh).getField("TIMEOUTS_CONNECT").get(null));
        }
    }

    private static URL url(String entry) {
        try {
            return Path.of(entry).toUri().toURL();
        } catch (MalformedURLException e) {
            throw new IllegalStateException(e);
        }
    }
}
