import {
  generateRegistrationOptions,
  type PublicKeyCredentialCreationOptionsJSON,
  type RegistrationResponseJSON,
  verifyRegistrationResponse,
} from "@simplewebauthn/server";
import { isoBase64URL } from "@simplewebauthn/server/helpers";
import type { passkeys } from "../db/schema";
import { PasskeyError } from "./errors";
import type { PasskeyPolicy } from "./policy";

/** The account a registration is for, as the authenticator shows it. */
export interface PasskeyUser {
  /** WebAuthn's user.id: random per user (WebAuthn Level 3 §14.6.1), base64url. */
  userHandle: string;
  name: string;
  displayName: string;
}

/** A fresh user handle: 32 random bytes, so it says nothing about the person. */
export function newUserHandle(): string {
  return isoBase64URL.fromBuffer(crypto.getRandomValues(new Uint8Array(32)));
}

/** A credential the person already has, so their authenticator makes no second one. */
export interface ExcludedCredential {
  credentialId: string;
  transports: string[];
}

/**
 * Creation options (WebAuthn Level 3 §5.4) for a new discoverable credential; `exclude`
 * lists the person's existing credentials (§5.4.3, excludeCredentials).
 */
export function registrationOptions(
  policy: PasskeyPolicy,
  user: PasskeyUser,
  exclude: ExcludedCredential[] = [],
): Promise<PublicKeyCredentialCreationOptionsJSON> {
  return generateRegistrationOptions({
    rpName: policy.rpName,
    rpID: policy.rpId,
    userName: user.name,
    userID: isoBase64URL.toBuffer(user.userHandle),
    userDisplayName: user.displayName,
    timeout: policy.timeoutMs,
    // TODO(passkey-attestation): only "none"; direct attestation with AAGUID allow-lists
    // (webAuthnPolicyPasswordlessAcceptableAaguids) would let a realm admit chosen models only.
    attestationType: "none",
    authenticatorSelection: {
      residentKey: policy.residentKey,
      userVerification: policy.userVerification,
      authenticatorAttachment: policy.attachment,
    },
    supportedAlgorithmIDs: policy.algorithmIds,
    excludeCredentials: exclude.map((credential) => ({
      id: credential.credentialId,
      transports: credential.transports,
    })),
  });
}

export type NewPasskey = Omit<typeof passkeys.$inferInsert, "id" | "realmId" | "userId">;

/**
 * Verifies a registration response (WebAuthn Level 3 §7.1): challenge, origin, RP ID hash,
 * user presence, user verification when the realm requires it, and an allowed algorithm.
 */
export async function verifyRegistration(
  policy: PasskeyPolicy,
  response: RegistrationResponseJSON,
  expectedChallenge: string,
  owner: { userHandle: string; label: string },
  now: number,
): Promise<NewPasskey> {
  let result: Awaited<ReturnType<typeof verifyRegistrationResponse>>;
  try {
    result = await verifyRegistrationResponse({
      response,
      expectedChallenge,
      expectedOrigin: policy.origins,
      expectedRPID: policy.rpId,
      requireUserVerification: policy.userVerification === "required",
      supportedAlgorithmIDs: policy.algorithmIds,
    });
  } catch {
    throw new PasskeyError("passkey_verification_failed");
  }
  if (!result.verified) throw new PasskeyError("passkey_verification_failed");

  const info = result.registrationInfo;
  return {
    credentialId: info.credential.id,
    publicKey: isoBase64URL.fromBuffer(info.credential.publicKey),
    counter: info.credential.counter,
    transports: info.credential.transports ?? [],
    backupEligible: info.credentialDeviceType === "multiDevice",
    backupState: info.credentialBackedUp,
    aaguid: info.aaguid,
    userHandle: owner.userHandle,
    name: owner.label,
    createdAt: now,
    lastUsedAt: now,
  };
}
