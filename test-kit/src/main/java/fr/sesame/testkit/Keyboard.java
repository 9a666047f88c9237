package fr.sesame.testkit;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.Keys;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.interactions.Actions;

/**
 * A keyboard-only walk through the page a {@link WebDriver} shows: real key presses (WebDriver Actions, as a
 * user's keyboard sends them, so {@code :focus-visible} applies), never clicks. Tab order starts where the
 * focus is: right after {@link Browser#open} that is the top of the document.
 *
 * <pre>{@code
 * browser.open(base + "/login");
 * Keyboard kb = browser.keyboard();
 * kb.tabTo(By.id("voter-id"));          // fails with the walk so far when Tab never gets there
 * kb.assertFocusVisible();
 * kb.type("V-0042").tabTo(By.cssSelector("button[type=submit]"));
 * kb.enter();
 * }</pre>
 */
public final class Keyboard {
  /** How many Tab presses {@link #walk()} and {@link #tabTo(By)} try before giving up: 100. */
  public static final int MAX_TABS = 100;

  private final WebDriver driver;

  /** Key presses on whatever page {@code driver} shows. */
  public Keyboard(WebDriver driver) {
    this.driver = Objects.requireNonNull(driver, "driver");
  }

  /**
   * An element that had the focus.
   *
   * @param element the element (compare with {@code equals})
   * @param tag its tag name, lower case ("input")
   * @param id its {@code id}, or ""
   * @param name its {@code name} attribute, or ""
   * @param accessibleName what assistive technology announces (the browser's computed label), or ""
   */
  public record Focus(WebElement element, String tag, String id, String name, String accessibleName) {
    @Override
    public String toString() {
      return tag + (id.isEmpty() ? "" : "#" + id) + (name.isEmpty() ? "" : "[name=" + name + "]")
          + " \"" + accessibleName + "\"";
    }
  }

  /** Presses Tab once; the element that has the focus then, or null when it left the page. */
  public Focus tab() {
    new Actions(driver).sendKeys(Keys.TAB).perform();
    return focused();
  }

  /** Presses Shift+Tab once; the element that has the focus then, or null when it left the page. */
  public Focus shiftTab() {
    new Actions(driver).keyDown(Keys.SHIFT).sendKeys(Keys.TAB).keyUp(Keys.SHIFT).perform();
    return focused();
  }

  /** The element that has the focus, or null when none does (the focus is on the body or outside the page). */
  public Focus focused() {
    WebElement e = (WebElement) js().executeScript(
        "const a = document.activeElement; return a && a !== document.body ? a : null;");
    return e == null ? null : describe(e);
  }

  /**
   * Presses Tab until the focus leaves the page or comes back to where the walk started, at most
   * {@link #MAX_TABS} times: every element reached, in order.
   */
  public List<Focus> walk() {
    List<Focus> seen = new ArrayList<>();
    for (int i = 0; i < MAX_TABS; i++) {
      Focus f = tab();
      if (f == null || (!seen.isEmpty() && f.element().equals(seen.get(0).element()))) break;
      seen.add(f);
    }
    return List.copyOf(seen);
  }

  /**
   * Presses Tab until the element {@code target} finds has the focus.
   *
   * @throws AssertionError when it is not reached in {@link #MAX_TABS} presses or before the focus leaves the
   *     page or loops; the message lists the elements that were reached
   */
  public Focus tabTo(By target) {
    WebElement wanted = driver.findElement(target);
    List<Focus> seen = new ArrayList<>();
    for (int i = 0; i < MAX_TABS; i++) {
      Focus f = tab();
      if (f != null && f.element().equals(wanted)) return f;
      if (f == null || (!seen.isEmpty() && f.element().equals(seen.get(0).element()))) break;
      seen.add(f);
    }
    throw new AssertionError("Tab never reached " + target + " on " + driver.getCurrentUrl()
        + "; it reached, in order: " + seen);
  }

  /**
   * Fails unless the focused element shows it has the focus: its computed {@code outline} or
   * {@code box-shadow} differs from what it is once blurred, and is not nothing. The element gets the focus
   * back afterwards.
   *
   * @throws AssertionError when nothing has the focus, or the focus does not show
   */
  public void assertFocusVisible() {
    WebElement e = (WebElement) js().executeScript(
        "const a = document.activeElement; return a && a !== document.body ? a : null;");
    if (e == null) throw new AssertionError("nothing has the focus on " + driver.getCurrentUrl());
    @SuppressWarnings("unchecked")
    Map<String, String> styles = (Map<String, String>) js().executeScript("""
        const e = arguments[0];
        const look = () => { const s = getComputedStyle(e);
          return { outline: s.outlineStyle === 'none' || parseFloat(s.outlineWidth) === 0 ? 'none'
                       : s.outlineStyle + ' ' + s.outlineWidth + ' ' + s.outlineColor,
                   shadow: s.boxShadow }; };
        const focused = look();
        e.blur();
        const blurred = look();
        e.focus();
        return { focusedOutline: focused.outline, focusedShadow: focused.shadow,
                 blurredOutline: blurred.outline, blurredShadow: blurred.shadow };
        """, e);
    boolean outline = !styles.get("focusedOutline").equals("none")
        && !styles.get("focusedOutline").equals(styles.get("blurredOutline"));
    boolean shadow = !styles.get("focusedShadow").equals("none")
        && !styles.get("focusedShadow").equals(styles.get("blurredShadow"));
    if (!outline && !shadow) {
      throw new AssertionError("the focus does not show on " + describe(e) + " (" + driver.getCurrentUrl()
          + "): focused outline " + styles.get("focusedOutline") + ", box-shadow " + styles.get("focusedShadow")
          + "; blurred outline " + styles.get("blurredOutline") + ", box-shadow " + styles.get("blurredShadow"));
    }
  }

  /** Presses Enter where the focus is: submits a form from one of its fields, or activates a button or link. */
  public Keyboard enter() {
    new Actions(driver).sendKeys(Keys.ENTER).perform();
    return this;
  }

  /** Presses Space where the focus is (a button, a checkbox). */
  public Keyboard space() {
    new Actions(driver).sendKeys(Keys.SPACE).perform();
    return this;
  }

  /** Types {@code text} where the focus is. */
  public Keyboard type(CharSequence text) {
    new Actions(driver).sendKeys(text).perform();
    return this;
  }

  private Focus describe(WebElement e) {
    String name = e.getAccessibleName();
    return new Focus(e, e.getTagName().toLowerCase(Locale.ROOT), attr(e, "id"), attr(e, "name"),
        name == null ? "" : name.strip());
  }

  private static String attr(WebElement e, String name) {
    String v = e.getDomAttribute(name);
    return v == null ? "" : v;
  }

  private JavascriptExecutor js() {
    return (JavascriptExecutor) driver;
  }
}
