package fr.sesame.testkit;

import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Fails a test class during which a secret of the test data was logged ({@link LeakGuard}). Registered for
 * every test class by JUnit's extension auto-detection ({@code META-INF/services} here, switched on by the
 * root pom's surefire configuration). A leak logged before the class starts (the previous class's late
 * lines) is reported by that class's start; one after the last class, by {@link LeakGuardSessionListener}.
 */
public final class LeakGuardExtension implements BeforeAllCallback, AfterAllCallback {
  @Override
  public void beforeAll(ExtensionContext context) {
    if (context.getParent().flatMap(ExtensionContext::getParent).isEmpty()) { // a top-level class only
      LeakGuard.check("before " + context.getDisplayName() + " started");
    }
  }

  @Override
  public void afterAll(ExtensionContext context) {
    if (context.getParent().flatMap(ExtensionContext::getParent).isEmpty()) {
      LeakGuard.check("while " + context.getDisplayName() + " ran");
    }
  }
}
