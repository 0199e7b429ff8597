package io.distillery.devstack;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import java.util.Map;

/**
 * Quarkus test resource pointing a {@code @QuarkusTest} at the JVM's shared {@link DevStack}:
 *
 * <pre>{@code
 * @QuarkusTest
 * @QuarkusTestResource(DevStackTestResource.class)
 * class IngestResourceTest { ... }
 * }</pre>
 *
 * <p>{@link #start()} returns {@link DevStack#config()}. The stack outlives each Quarkus
 * application (it is shared with {@link DevStackExtension} and stopped when the JVM exits), so
 * {@link #stop()} does nothing.
 */
public final class DevStackTestResource implements QuarkusTestResourceLifecycleManager {

  @Override
  public Map<String, String> start() {
    return SharedDevStack.get().config();
  }

  @Override
  public void stop() {
    // The shared stack is stopped by its shutdown hook, after the last test of the JVM.
  }
}
