import { z } from "zod";
import {
  DEFAULT_PASSKEY_POLICY,
  PASSKEY_ALGORITHMS,
  type PasskeyPolicySettings,
} from "../webauthn/policy";

const algorithm = z.enum(Object.keys(PASSKEY_ALGORITHMS) as [keyof typeof PASSKEY_ALGORITHMS], {
  message: `must be one of ${Object.keys(PASSKEY_ALGORITHMS).join(", ")}`,
});

/** An origin such as `https://app.example` or `android:apk-key-hash:...`, without a path. */
const origin = z
  .string()
  .max(2048)
  .refine((value) => {
    if (value.startsWith("android:apk-key-hash:")) return true;
    try {
      return new URL(value).origin === value;
    } catch {
      return false;
    }
  }, "must be an origin such as https://app.example, or android:apk-key-hash:...");

/** An RP ID is a registrable domain: a host name, no scheme, port or path. */
const rpId = z
  .string()
  .max(253)
  .regex(/^$|^[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)*$/, {
    message: "must be a host name such as example.com",
  });

/**
 * Keycloak's passwordless WebAuthn policy fields. Attestation is always "none" for now, so any
 * conveyance preference Keycloak exports is accepted and asks for none.
 */
export const webauthnPolicyFields = {
  webAuthnPolicyPasswordlessRpEntityName: z.string().max(255).nullish(),
  webAuthnPolicyPasswordlessRpId: rpId.nullish(),
  webAuthnPolicyPasswordlessSignatureAlgorithms: z.array(algorithm).min(1).max(7).nullish(),
  webAuthnPolicyPasswordlessUserVerificationRequirement: z
    .enum(["required", "preferred", "discouraged", "not specified"])
    .nullish(),
  webAuthnPolicyPasswordlessRequireResidentKey: z.enum(["Yes", "No", "not specified"]).nullish(),
  webAuthnPolicyPasswordlessAuthenticatorAttachment: z
    .enum(["platform", "cross-platform", "not specified"])
    .nullish(),
  webAuthnPolicyPasswordlessAttestationConveyancePreference: z
    .enum(["none", "indirect", "direct", "enterprise", "not specified"])
    .nullish(),
  webAuthnPolicyPasswordlessExtraOrigins: z.array(origin).max(20).nullish(),
  webAuthnPolicyPasswordlessCreateTimeout: z.int().min(0).max(3600).nullish(),
};

type WebauthnPolicyRepresentation = z.infer<z.ZodObject<typeof webauthnPolicyFields>>;

/** The stored policy for a realm file's fields; null when it sets none (Keycloak's defaults). */
export function webauthnPolicyRow(rep: WebauthnPolicyRepresentation): PasskeyPolicySettings | null {
  const settings: PasskeyPolicySettings = {
    rpEntityName: rep.webAuthnPolicyPasswordlessRpEntityName || undefined,
    rpId: rep.webAuthnPolicyPasswordlessRpId || undefined,
    signatureAlgorithms: rep.webAuthnPolicyPasswordlessSignatureAlgorithms ?? undefined,
    userVerificationRequirement:
      rep.webAuthnPolicyPasswordlessUserVerificationRequirement ?? undefined,
    requireResidentKey: rep.webAuthnPolicyPasswordlessRequireResidentKey ?? undefined,
    authenticatorAttachment: rep.webAuthnPolicyPasswordlessAuthenticatorAttachment ?? undefined,
    extraOrigins: rep.webAuthnPolicyPasswordlessExtraOrigins ?? undefined,
    createTimeout: rep.webAuthnPolicyPasswordlessCreateTimeout ?? undefined,
  };
  const set = Object.entries(settings).filter(([, value]) => value !== undefined);
  return set.length > 0 ? (Object.fromEntries(set) as PasskeyPolicySettings) : null;
}

/** Keycloak's passwordless policy fields for a stored policy, defaults filled in. */
export function webauthnPolicyRepresentation(stored: PasskeyPolicySettings | null) {
  const policy = { ...DEFAULT_PASSKEY_POLICY, ...(stored ?? {}) };
  return {
    webAuthnPolicyPasswordlessRpEntityName: policy.rpEntityName ?? "",
    webAuthnPolicyPasswordlessRpId: policy.rpId ?? "",
    webAuthnPolicyPasswordlessSignatureAlgorithms: [...policy.signatureAlgorithms],
    webAuthnPolicyPasswordlessAttestationConveyancePreference: "none" as const,
    webAuthnPolicyPasswordlessAuthenticatorAttachment: policy.authenticatorAttachment,
    webAuthnPolicyPasswordlessRequireResidentKey: policy.requireResidentKey,
    webAuthnPolicyPasswordlessUserVerificationRequirement: policy.userVerificationRequirement,
    webAuthnPolicyPasswordlessCreateTimeout: policy.createTimeout ?? 0,
    webAuthnPolicyPasswordlessExtraOrigins: policy.extraOrigins ?? [],
    webAuthnPolicyPasswordlessAcceptableAaguids: [] as string[],
  };
}

/**
 * The stored policy after an admin update that names some of the fields: the named ones
 * replace the current values, the others stay; undefined when the update names none.
 */
export function updatedWebauthnPolicy(
  stored: PasskeyPolicySettings | null,
  update: WebauthnPolicyRepresentation,
): PasskeyPolicySettings | null | undefined {
  const named = Object.entries(update).filter(
    ([key, value]) => key in webauthnPolicyFields && value !== undefined,
  );
  if (named.length === 0) return undefined;
  const current = webauthnPolicyRepresentation(stored);
  return webauthnPolicyRow({ ...current, ...Object.fromEntries(named) });
}
