package fr.sesame.gateway.staff;

import java.util.Locale;
import java.util.Optional;

/** What a staff member may do in one election. */
public enum StaffRole {
  /** Support agent: finds voters, sees their status, unlocks, resends. */
  SUPPORT,
  /** Organiser: runs the election (and everything support does). */
  ORGANISER,
  /** Bureau member: oversees; receives alerts. */
  BUREAU,
  /** The independent expert: reads, never acts. */
  EXPERT,
  /**
   * The controller (responsable de traitement): approves the destruction of the election's data an organiser
   * requested (issue 16 point 6); reads like the bureau.
   */
  CONTROLLER;

  public String wireName() {
    return name().toLowerCase(Locale.ROOT);
  }

  public static Optional<StaffRole> fromWire(String name) {
    for (StaffRole r : values()) {
      if (r.wireName().equals(name)) {
        return Optional.of(r);
      }
    }
    return Optional.empty();
  }

  /** Whether this role may look up voters and their status (every role but none: all may read). */
  public boolean mayReadVoters() {
    return true;
  }

  /** Whether this role may act on a voter (unlock, resend): support and organisers. */
  public boolean mayActOnVoters() {
    return this == SUPPORT || this == ORGANISER;
  }
}
