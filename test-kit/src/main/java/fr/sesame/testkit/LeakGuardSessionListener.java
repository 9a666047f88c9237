package fr.sesame.testkit;

import org.junit.platform.launcher.LauncherSession;
import org.junit.platform.launcher.LauncherSessionListener;

/**
 * At the end of a test run, fails it if a secret of the test data was logged after the last test class had
 * reported ({@link LeakGuardExtension}): a line from a shutdown, say. Registered through
 * {@code META-INF/services}, so every module whose tests have the test kit has it.
 */
public final class LeakGuardSessionListener implements LauncherSessionListener {
  @Override
  public void launcherSessionClosed(LauncherSession session) {
    LeakGuard.check("after the last test class");
  }
}
