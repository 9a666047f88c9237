package fr.sesame.gateway.store;

import io.vertx.core.Future;
import java.util.Map;
import java.util.Optional;

/**
 * Staff accounts (support agents, organisers, bureau members, experts), apart from voters. An account is found
 * by its id, a keyed hash of its email; what names the person (email, name) is stored encrypted.
 */
public interface StaffStore {
  /** The stored fields of an account (see the implementation for their names); empty when there is none. */
  Future<Map<String, String>> account(String staffId);

  /** Creates the account with {@code fields} when it does not exist; @return whether it was created. */
  Future<Boolean> create(String staffId, Map<String, String> fields);

  /** Sets {@code fields} on an existing account (confirmed on the replicas when configured). */
  Future<Void> update(String staffId, Map<String, String> fields);

  /** How {@link #changeRoles} changes an account's roles. */
  enum RoleChange {
    /** Each role given is set, replacing the one the account had in that election. */
    PUT,
    /** Each role given is set only in an election where the account has none. */
    ADD,
    /** The account's role in each election given is taken away (the roles given are ignored). */
    REMOVE
  }

  /**
   * An account's roles after {@link #changeRoles}, and in each election it was asked about, the role it had before.
   * @param before election id -> the role before the change, for the elections asked about where it had one
   * @param after  election id -> role, every election, once changed
   */
  record Roles(Map<String, String> before, Map<String, String> after) {}

  /**
   * Changes the account's roles (election id -> role's wire name) in one step: two changes at once both count,
   * none is lost (confirmed on the replicas when configured).
   * @return the roles before and after; empty when there is no account
   */
  Future<Optional<Roles>> changeRoles(String staffId, RoleChange how, Map<String, String> roles);

  /**
   * Counts a login step before it is checked (atomic: parallel steps cannot pass {@code maxFailures}).
   * @return the attempts counted so far, this one included; negative when the account is locked (nothing to check)
   */
  Future<Long> attempt(String staffId, int maxFailures, long nowMs, long unknownTtlMs);

  /** A checked step failed and was the last allowed one: the account locks now. */
  Future<Void> lock(String staffId, long nowMs);

  /**
   * A password step succeeded: its attempt was not a failure (the count goes down by one; earlier failures stay:
   * a right password alone does not clear them, or whoever holds it could try codes without end).
   */
  Future<Void> notAFailure(String staffId);

  /** The whole login succeeded: the failures go back to 0. */
  Future<Void> succeeded(String staffId);

  /** Records that {@code staffId} has a role in {@code electionId} (who to alert, who to list). */
  Future<Void> addToElection(String electionId, String staffId);

  /** {@code staffId} no longer has a role in {@code electionId}. */
  Future<Void> removeFromElection(String electionId, String staffId);

  /** The accounts with a role in {@code electionId}. */
  Future<java.util.Set<String>> ofElection(String electionId);

  /** Clears the failures and the lock of an account. */
  Future<Void> unlock(String staffId);

  /** Marks a one-time code's step used; @return false when it was used already (a replayed code). */
  Future<Boolean> useStep(String staffId, long step, long ttlMs);

  /** A token (by hash) that stands for {@code staffId} for {@code ttlMs}: an invitation, a pending login, a session. */
  Future<Void> putToken(String kind, String tokenHash, String staffId, long ttlMs);

  /** The account a token stands for, its life renewed to {@code ttlMs} when {@code renewMs} > 0. */
  Future<Optional<String>> token(String kind, String tokenHash, long renewMs);

  /** Ends a token; @return the account it stood for, if it was still there. */
  Future<Optional<String>> takeToken(String kind, String tokenHash);

  /** Whether an SMS code may be sent now: the sends of an account are spaced and counted. */
  enum SendClaim { ALLOWED, TOO_SOON, TOO_MANY }

  /**
   * Claims (atomically) the sending of an SMS code to {@code staffId} at {@code nowMs}: refused when one was sent
   * less than {@code minGapMs} before, or when {@code maxSends} were sent in the window of {@code windowMs} (the
   * count clears at a login's success, see {@link #succeeded}); allowed, the send is counted.
   */
  Future<SendClaim> claimCodeSend(String staffId, long nowMs, long minGapMs, int maxSends, long windowMs);

  /** Keeps the SMS code just drawn for {@code staffId} ({@code stored}: its expiry and keyed hash), replacing any. */
  Future<Void> putCode(String staffId, String stored, long ttlMs);

  /** What {@link #putCode} keeps for {@code staffId}'s live SMS code, if one is. */
  Future<Optional<String>> code(String staffId);

  /** Uses up the live SMS code; @return whether this call did (of two calls with one code, one only gets true). */
  Future<Boolean> takeCode(String staffId);
}
