package fr.sesame.redis;

/**
 * A Lua script's reply code: an explicit number that the script names the same way ({@code local LOCKED = 3}).
 * Implemented by one enum per script (or per library of scripts); decoded by number, never by position, so
 * reordering an enum cannot change what Redis meant. The gateway's {@code ScriptContractTest} checks that every
 * constant is declared with the same name and number in the script, and named in the script's header.
 */
public interface ReplyCode {
  /** The number the script returns. */
  int code();

  /** The enum's constant Lua names {@code name()}. */
  String name();

  /**
   * @return the constant of {@code type} whose code is {@code code}
   * @throws IllegalStateException when the script replied a code the Java side does not know (a contract
   *     drift: a bug, not bad input)
   */
  static <E extends Enum<E> & ReplyCode> E decode(Class<E> type, long code) {
    for (E e : type.getEnumConstants()) {
      if (e.code() == code) {
        return e;
      }
    }
    throw new IllegalStateException(type.getSimpleName() + ": no reply code " + code);
  }
}
