import type { MessageKey } from "../i18n";

/** Why a passkey ceremony was refused: the event's error code, never shown to the person. */
export type PasskeyFailure =
  | "invalid_passkey_response"
  | "passkey_challenge_invalid"
  | "passkey_not_found"
  | "passkey_verification_failed"
  | "passkey_counter_regressed"
  | "passkey_already_registered"
  | "user_disabled"
  | "user_temporarily_disabled";

const messages: Record<PasskeyFailure, MessageKey> = {
  invalid_passkey_response: "passkey.invalidResponse",
  passkey_challenge_invalid: "passkey.challengeExpired",
  passkey_not_found: "passkey.unknownCredential",
  passkey_verification_failed: "passkey.verificationFailed",
  passkey_counter_regressed: "passkey.clonedAuthenticator",
  passkey_already_registered: "passkey.alreadyRegistered",
  // A disabled or locked account reads like any refused passkey.
  user_disabled: "passkey.verificationFailed",
  user_temporarily_disabled: "passkey.verificationFailed",
};

/** A refused ceremony: `failure` for events and logs, `messageKey` for the page. */
export class PasskeyError extends Error {
  readonly messageKey: MessageKey;
  /** Set when this refusal locked the account out. */
  lockedOut = false;

  constructor(
    readonly failure: PasskeyFailure,
    readonly userId?: string,
  ) {
    super(failure);
    this.messageKey = messages[failure];
  }
}
