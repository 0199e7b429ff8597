package io.distillery.devstack;

import java.util.Map;

/**
 * The one dev stack of a test JVM, started on first use and stopped by a shutdown hook.
 *
 * <p>Quarkus loads test classes and test resources through its own class loaders, so a static field
 * alone could start a second stack. The running stack's {@link DevStack#config()} is therefore also
 * published in the system properties (as a {@code Map}, a JDK type every class loader shares); a
 * class loader that finds it there uses that stack instead of starting one.
 */
final class SharedDevStack {
  static final String PROPERTY = "io.distillery.devstack.shared.config";

  private static DevStack instance;

  private SharedDevStack() {}

  static DevStack get() {
    // The system properties object is the one lock all class loaders of this JVM share.
    synchronized (System.getProperties()) {
      if (instance != null) {
        return instance;
      }
      Object published = System.getProperties().get(PROPERTY);
      if (published instanceof Map<?, ?> map) {
        @SuppressWarnings("unchecked")
        Map<String, String> config = (Map<String, String>) map;
        instance = DevStack.fromConfig(config);
        return instance;
      }
      DevStack stack = DevStack.start();
      Runtime.getRuntime()
          .addShutdownHook(new Thread(stack::close, "distillery-devstack-shutdown"));
      System.getProperties().put(PROPERTY, stack.config());
      instance = stack;
      return stack;
    }
  }
}
