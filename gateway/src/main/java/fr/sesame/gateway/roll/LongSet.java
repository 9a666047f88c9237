package fr.sesame.gateway.roll;

/**
 * An open-addressing set of longs: 8 bytes a value (at most half full), where a HashSet of boxed values
 * takes about 50. It lets an import remember every identifier of a million-line roll (by 64 bits of its
 * keyed hash) in ~16 MiB to find duplicates. Not thread-safe.
 */
final class LongSet {
  private static final long EMPTY = 0L;
  private long[] slots = new long[1024];
  private int size;
  private boolean hasZero;

  /** @return true when the value was not in the set yet */
  boolean add(long value) {
    if (value == EMPTY) {
      boolean added = !hasZero;
      hasZero = true;
      return added;
    }
    if ((size + 1) * 2 > slots.length) {
      grow();
    }
    return insert(slots, value);
  }

  private boolean insert(long[] table, long value) {
    int mask = table.length - 1;
    int i = (int) (mix(value) & mask);
    while (table[i] != EMPTY) {
      if (table[i] == value) {
        return false;
      }
      i = (i + 1) & mask;
    }
    table[i] = value;
    if (table == slots) {
      size++;
    }
    return true;
  }

  private void grow() {
    long[] old = slots;
    slots = new long[old.length * 2];
    for (long v : old) {
      if (v != EMPTY) {
        insert(slots, v);
      }
    }
  }

  private static long mix(long v) {
    v ^= v >>> 33;
    v *= 0xff51afd7ed558ccdL;
    v ^= v >>> 33;
    return v;
  }
}
