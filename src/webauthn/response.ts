import type { AuthenticationResponseJSON, RegistrationResponseJSON } from "@simplewebauthn/server";
import { z } from "zod";
import { PasskeyError } from "./errors";

/** The largest credential JSON a form may carry; real ones are a few KiB. */
export const MAX_CREDENTIAL_JSON = 32_768;

const b64url = z
  .string()
  .min(1)
  .max(16_384)
  .regex(/^[A-Za-z0-9_-]+$/);

const common = {
  id: b64url,
  rawId: b64url,
  type: z.literal("public-key"),
  clientExtensionResults: z.record(z.string(), z.unknown()).default({}),
  authenticatorAttachment: z.enum(["platform", "cross-platform"]).optional(),
};

const registrationResponse = z.object({
  ...common,
  response: z.object({
    clientDataJSON: b64url,
    attestationObject: b64url,
    transports: z.array(z.string().max(32)).max(10).optional(),
  }),
});

const authenticationResponse = z.object({
  ...common,
  response: z.object({
    clientDataJSON: b64url,
    authenticatorData: b64url,
    signature: b64url,
    userHandle: b64url.optional(),
  }),
});

function parse<T>(schema: z.ZodType<T>, text: string | undefined): T {
  if (text === undefined || text.length > MAX_CREDENTIAL_JSON) {
    throw new PasskeyError("invalid_passkey_response");
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw new PasskeyError("invalid_passkey_response");
  }
  const result = schema.safeParse(json);
  if (!result.success) throw new PasskeyError("invalid_passkey_response");
  return result.data;
}

/** The browser's `PublicKeyCredential` from `navigator.credentials.create()`, as JSON. */
export function parseRegistrationResponse(text: string | undefined): RegistrationResponseJSON {
  return parse(registrationResponse, text) as RegistrationResponseJSON;
}

/** The browser's `PublicKeyCredential` from `navigator.credentials.get()`, as JSON. */
export function parseAuthenticationResponse(text: string | undefined): AuthenticationResponseJSON {
  return parse(authenticationResponse, text) as AuthenticationResponseJSON;
}
