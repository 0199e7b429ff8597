package io.distillery.devstack;

import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * JUnit 5 extension giving tests the JVM's shared {@link DevStack} (a real Kafka broker and S3
 * server), started once per test JVM and stopped when the JVM exits.
 *
 * <pre>{@code
 * @ExtendWith(DevStackExtension.class)
 * class MyTest {
 *   @Test
 *   void uploads(DevStack stack) { ... stack.endpoint() ... }
 * }
 * }</pre>
 *
 * <p>Tests share the stack: use unique topic names, bucket names or key prefixes per test.
 */
public final class DevStackExtension implements BeforeAllCallback, ParameterResolver {

  @Override
  public void beforeAll(ExtensionContext context) {
    SharedDevStack.get();
  }

  @Override
  public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
    return parameter.getParameter().getType() == DevStack.class;
  }

  @Override
  public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
    return SharedDevStack.get();
  }

  /** The shared stack, for code that cannot take it as a parameter. */
  public static DevStack devStack() {
    return SharedDevStack.get();
  }
}
