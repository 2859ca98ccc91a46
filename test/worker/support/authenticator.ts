import { isoBase64URL, isoCBOR } from "@simplewebauthn/server/helpers";

const b64 = (bytes: Uint8Array) => isoBase64URL.fromBuffer(new Uint8Array(bytes));
const utf8 = (text: string) => new TextEncoder().encode(text);

async function sha256(bytes: Uint8Array): Promise<Uint8Array> {
  return new Uint8Array(await crypto.subtle.digest("SHA-256", bytes));
}

function concat(...parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const part of parts) {
    out.set(part, at);
    at += part.length;
  }
  return out;
}

function uint32(value: number): Uint8Array {
  const out = new Uint8Array(4);
  new DataView(out.buffer).setUint32(0, value);
  return out;
}

/** An ECDSA signature as WebAuthn carries it: ASN.1 DER, not WebCrypto's r || s. */
function derSignature(raw: Uint8Array): Uint8Array {
  const integer = (bytes: Uint8Array) => {
    let start = 0;
    while (start < bytes.length - 1 && bytes[start] === 0) start += 1;
    let value: Uint8Array = bytes.slice(start);
    if ((value[0] ?? 0) & 0x80) value = concat(new Uint8Array([0]), value);
    return concat(new Uint8Array([0x02, value.length]), value);
  };
  const body = concat(integer(raw.slice(0, 32)), integer(raw.slice(32)));
  return concat(new Uint8Array([0x30, body.length]), body);
}

/** Authenticator data flags (WebAuthn Level 3 §6.1). */
export const FLAGS = { UP: 0x01, UV: 0x04, BE: 0x08, BS: 0x10, AT: 0x40 };

export interface Tampering {
  origin?: string;
  rpId?: string;
  flags?: number;
  counter?: number;
  challenge?: string;
  type?: string;
  badSignature?: boolean;
  userHandle?: string;
}

/**
 * A software authenticator with one P-256 passkey: makes attestation "none" registrations and
 * signed assertions exactly as a browser hands them over, with knobs to get each one wrong.
 */
export class SoftwareAuthenticator {
  private keys?: CryptoKeyPair;
  readonly credentialId = crypto.getRandomValues(new Uint8Array(16));
  userHandle = "";
  counter = 0;

  constructor(
    readonly origin: string,
    readonly flags = FLAGS.UP | FLAGS.UV,
  ) {}

  get id(): string {
    return b64(this.credentialId);
  }

  private clientData(type: string, challenge: string, tamper: Tampering): Uint8Array {
    const origin = tamper.origin ?? this.origin;
    const data = { type: tamper.type ?? type, challenge: tamper.challenge ?? challenge, origin };
    return utf8(JSON.stringify({ ...data, crossOrigin: false }));
  }

  private async authData(extra: Uint8Array, tamper: Tampering, attested: boolean) {
    const rpId = tamper.rpId ?? new URL(this.origin).hostname;
    const flags = (tamper.flags ?? this.flags) | (attested ? FLAGS.AT : 0);
    const counter = tamper.counter ?? this.counter;
    return concat(await sha256(utf8(rpId)), new Uint8Array([flags]), uint32(counter), extra);
  }

  /** `navigator.credentials.create()` for creation options, as RegistrationResponseJSON. */
  async create(options: { challenge: string; user: { id: string } }, tamper: Tampering = {}) {
    this.keys = (await crypto.subtle.generateKey({ name: "ECDSA", namedCurve: "P-256" }, true, [
      "sign",
      "verify",
    ])) as CryptoKeyPair;
    this.userHandle = options.user.id;
    const jwk = (await crypto.subtle.exportKey("jwk", this.keys.publicKey)) as JsonWebKey;
    const cose = new Map<number, number | Uint8Array>([
      [1, 2],
      [3, -7],
      [-1, 1],
      [-2, isoBase64URL.toBuffer(jwk.x ?? "")],
      [-3, isoBase64URL.toBuffer(jwk.y ?? "")],
    ]);
    const idLength = new Uint8Array([0, this.credentialId.length]);
    const attested = concat(new Uint8Array(16), idLength, this.credentialId, isoCBOR.encode(cose));
    const authData = await this.authData(attested, tamper, true);
    const attestation = new Map<string, unknown>([
      ["fmt", "none"],
      ["attStmt", new Map()],
      ["authData", authData],
    ]);
    const clientDataJSON = this.clientData("webauthn.create", options.challenge, tamper);
    return {
      id: this.id,
      rawId: this.id,
      type: "public-key",
      response: {
        clientDataJSON: b64(clientDataJSON),
        attestationObject: b64(isoCBOR.encode(attestation as never)),
        transports: ["internal"],
      },
      clientExtensionResults: {},
      authenticatorAttachment: "platform",
    };
  }

  /** `navigator.credentials.get()` for request options, as AuthenticationResponseJSON. */
  async get(options: { challenge: string }, tamper: Tampering = {}) {
    if (!this.keys) throw new Error("no passkey yet: call create() first");
    if (tamper.counter === undefined && this.counter > 0) this.counter += 1;
    const authData = await this.authData(new Uint8Array(), tamper, false);
    const clientDataJSON = this.clientData("webauthn.get", options.challenge, tamper);
    const signed = concat(authData, await sha256(clientDataJSON));
    const raw = new Uint8Array(
      await crypto.subtle.sign({ name: "ECDSA", hash: "SHA-256" }, this.keys.privateKey, signed),
    );
    const signature = derSignature(raw);
    if (tamper.badSignature) signature.set([(signature.at(-1) ?? 0) ^ 0x01], signature.length - 1);
    return {
      id: this.id,
      rawId: this.id,
      type: "public-key",
      response: {
        clientDataJSON: b64(clientDataJSON),
        authenticatorData: b64(authData),
        signature: b64(signature),
        userHandle: tamper.userHandle ?? this.userHandle,
      },
      clientExtensionResults: {},
      authenticatorAttachment: "platform",
    };
  }
}
