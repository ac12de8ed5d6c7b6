package io.gatehouse.testing;

import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

import java.util.ArrayList;
import java.util.List;

/**
 * What a test started (servers, backends, gateways), closed after each test, last started first, even when the test
 * failed half-way. Register it with {@code @RegisterExtension final CleanUp cleanUp = new CleanUp();}.
 */
public final class CleanUp implements AfterEachCallback {

    private final List<AutoCloseable> started = new ArrayList<>();

    /** Closes {@code resource} after the test; returns it. */
    public <T extends AutoCloseable> T add(T resource) {
        started.add(resource);
        return resource;
    }

    @Override
    public void afterEach(ExtensionContext context) throws Exception {
        for (int i = started.size() - 1; i >= 0; i--) {
            started.get(i).close();
        }
        started.clear();
    }
}
