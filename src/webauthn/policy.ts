import type { Realm } from "../db/realms";

/**
 * The WebAuthn ceremonies (WebAuthn Level 3 §7.1 and §7.2): a registration at sign-up, one
 * from the account page for a signed-in person, and an authentication.
 */
export type PasskeyCeremony = "registration" | "account-registration" | "authentication";

/** Signature algorithms by Keycloak's names, with their COSE identifiers (RFC 9053). */
export const PASSKEY_ALGORITHMS = {
  ES256: -7,
  ES384: -35,
  ES512: -36,
  EdDSA: -8,
  RS256: -257,
  RS384: -258,
  RS512: -259,
} as const;

export type PasskeyAlgorithm = keyof typeof PASSKEY_ALGORITHMS;

/** Keycloak's "not specified" leaves a choice to the browser. */
export type UserVerification = "required" | "preferred" | "discouraged" | "not specified";
export type ResidentKey = "Yes" | "No" | "not specified";
export type Attachment = "platform" | "cross-platform" | "not specified";

/** A realm's passwordless WebAuthn policy as stored (Keycloak's field names, prefix dropped). */
export interface PasskeyPolicySettings {
  rpEntityName?: string;
  rpId?: string;
  signatureAlgorithms?: PasskeyAlgorithm[];
  userVerificationRequirement?: UserVerification;
  requireResidentKey?: ResidentKey;
  authenticatorAttachment?: Attachment;
  extraOrigins?: string[];
  /** Seconds the browser gives the person; 0 leaves it to the browser. */
  createTimeout?: number;
}

/** Keycloak's passwordless defaults: discoverable credentials, user verification required. */
export const DEFAULT_PASSKEY_POLICY = {
  signatureAlgorithms: ["ES256", "RS256"],
  userVerificationRequirement: "required",
  requireResidentKey: "Yes",
  authenticatorAttachment: "not specified",
} as const satisfies PasskeyPolicySettings;

/** The policy one ceremony runs under, resolved against the request that started it. */
export interface PasskeyPolicy {
  rpId: string;
  rpName: string;
  /** Where the browser may have run the ceremony: this origin and the realm's extra ones. */
  origins: string[];
  userVerification: "required" | "preferred" | "discouraged";
  residentKey: "required" | "preferred" | "discouraged";
  attachment: "platform" | "cross-platform" | undefined;
  algorithmIds: number[];
  timeoutMs: number | undefined;
}

const residentKeys = { Yes: "required", No: "discouraged", "not specified": "preferred" } as const;

/** The realm's policy for a request: the RP ID defaults to the host the page was served from. */
export function passkeyPolicy(realm: Realm, requestUrl: string): PasskeyPolicy {
  const settings = { ...DEFAULT_PASSKEY_POLICY, ...(realm.webauthnPasswordlessPolicy ?? {}) };
  const url = new URL(requestUrl);
  const uv = settings.userVerificationRequirement;
  const attachment = settings.authenticatorAttachment;
  const timeout = settings.createTimeout ?? 0;

  return {
    rpId: settings.rpId || url.hostname,
    rpName: settings.rpEntityName || realm.displayName || realm.name,
    origins: [url.origin, ...(settings.extraOrigins ?? [])],
    userVerification: uv === "not specified" ? "preferred" : uv,
    residentKey: residentKeys[settings.requireResidentKey],
    attachment: attachment === "not specified" ? undefined : attachment,
    algorithmIds: settings.signatureAlgorithms.map((name) => PASSKEY_ALGORITHMS[name]),
    timeoutMs: timeout > 0 ? timeout * 1000 : undefined,
  };
}
