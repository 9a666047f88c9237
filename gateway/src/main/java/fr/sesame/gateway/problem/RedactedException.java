package fr.sesame.gateway.problem;

/**
 * An exception as a log line may show it: the class and stack of each exception of the chain, never a message.
 * A message may quote what the request held (a parser's "invalid hex byte ... of '{"secret":...}'", a driver
 * echoing its command), so an unexpected failure is logged through {@link #of(Throwable)}: where it happened is
 * kept, what it was handed is not.
 */
public final class RedactedException extends RuntimeException {
  private static final long serialVersionUID = 1L;
  private static final int MAX_DEPTH = 8;

  private RedactedException(Throwable original, Throwable cause) {
    super(original.getClass().getName() + " (message withheld: it may hold the request's content)", cause,
        false, true);
    setStackTrace(original.getStackTrace());
  }

  /** @return {@code t} and its causes with their classes and stacks, without their messages; null for null */
  public static Throwable of(Throwable t) {
    return of(t, 0);
  }

  /**
   * A failure as a log line may hold it: the class of each exception of the chain ({@code A <- B <- C}), with
   * the message only of Sesame's own exceptions ({@code fr.sesame.*}), whose messages never hold a request's
   * content; a driver's, a parser's or a provider's may quote what it was handed.
   */
  public static String describe(Throwable cause) {
    if (cause == null) {
      return "no exception";
    }
    StringBuilder sb = new StringBuilder();
    int depth = 0;
    for (Throwable c = cause; c != null && depth < 6; c = c.getCause() == c ? null : c.getCause(), depth++) {
      if (depth > 0) {
        sb.append(" <- ");
      }
      sb.append(c.getClass().getSimpleName());
      if (c.getClass().getName().startsWith("fr.sesame.") && c.getMessage() != null) {
        sb.append(": ").append(c.getMessage());
      }
    }
    return sb.toString();
  }

  private static Throwable of(Throwable t, int depth) {
    if (t == null) {
      return null;
    }
    Throwable cause = depth < MAX_DEPTH && t.getCause() != t ? of(t.getCause(), depth + 1) : null;
    return new RedactedException(t, cause);
  }
}
