import {
  type AuthenticationResponseJSON,
  generateAuthenticationOptions,
  type PublicKeyCredentialRequestOptionsJSON,
  verifyAuthenticationResponse,
} from "@simplewebauthn/server";
import { isoBase64URL } from "@simplewebauthn/server/helpers";
import type { Passkey } from "../db/passkeys";
import { PasskeyError } from "./errors";
import type { PasskeyPolicy } from "./policy";

/**
 * Request options (WebAuthn Level 3 §5.5) for a discoverable credential: no allowCredentials,
 * so the authenticator offers the person's passkeys and no username is asked for.
 */
export function authenticationOptions(
  policy: PasskeyPolicy,
): Promise<PublicKeyCredentialRequestOptionsJSON> {
  return generateAuthenticationOptions({
    rpID: policy.rpId,
    userVerification: policy.userVerification,
    timeout: policy.timeoutMs,
  });
}

export interface VerifiedAssertion {
  counter: number;
  backupState: boolean;
}

/**
 * Verifies an assertion (WebAuthn Level 3 §7.2) against the stored passkey: user handle,
 * challenge, origin, RP ID hash, flags and signature, then the signature counter.
 */
export async function verifyAuthentication(
  policy: PasskeyPolicy,
  response: AuthenticationResponseJSON,
  expectedChallenge: string,
  passkey: Passkey,
): Promise<VerifiedAssertion> {
  // §7.2 step 6: a returned user handle must be the one the credential was made for.
  const handle = response.response.userHandle;
  if (handle !== undefined && handle !== passkey.userHandle) {
    throw new PasskeyError("passkey_verification_failed", passkey.userId);
  }

  let result: Awaited<ReturnType<typeof verifyAuthenticationResponse>>;
  try {
    result = await verifyAuthenticationResponse({
      response,
      expectedChallenge,
      expectedOrigin: policy.origins,
      expectedRPID: policy.rpId,
      requireUserVerification: policy.userVerification === "required",
      credential: {
        id: passkey.credentialId,
        publicKey: isoBase64URL.toBuffer(passkey.publicKey),
        // The counter is judged below, after the signature: only a verified assertion may
        // report a cloned authenticator.
        counter: 0,
        transports: passkey.transports as AuthenticatorTransportFuture[],
      },
    });
  } catch {
    throw new PasskeyError("passkey_verification_failed", passkey.userId);
  }
  if (!result.verified) throw new PasskeyError("passkey_verification_failed", passkey.userId);

  // §7.2 step 22: a counter that does not grow means a second copy of the key exists.
  const counter = result.authenticationInfo.newCounter;
  if ((counter > 0 || passkey.counter > 0) && counter <= passkey.counter) {
    throw new PasskeyError("passkey_counter_regressed", passkey.userId);
  }
  return { counter, backupState: result.authenticationInfo.credentialBackedUp };
}

type AuthenticatorTransportFuture = NonNullable<
  Parameters<typeof verifyAuthenticationResponse>[0]["credential"]["transports"]
>[number];
