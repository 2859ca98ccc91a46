/**
 * Which webhook URLs may be called. Production refuses loopback, private and link-local
 * targets named by literal address, and `localhost` names, so a realm's operator cannot turn
 * deliveries into requests against the deployment's own network.
 * TODO(webhook-dns-rebinding): a public name that resolves to a private address is not caught
 * here (Workers have no DNS lookup); Cloudflare's fetch does not reach private networks, but
 * a deployment behind a tunnel could; resolving over DoH before each delivery would close it.
 */

/** IPv4 ranges no webhook may target: this host, private, shared, link-local, multicast. */
const PRIVATE_V4: [number, number][] = [
  [0x00000000, 8], // 0.0.0.0/8
  [0x0a000000, 8], // 10.0.0.0/8
  [0x64400000, 10], // 100.64.0.0/10
  [0x7f000000, 8], // 127.0.0.0/8
  [0xa9fe0000, 16], // 169.254.0.0/16
  [0xac100000, 12], // 172.16.0.0/12
  [0xc0a80000, 16], // 192.168.0.0/16
  [0xe0000000, 3], // 224.0.0.0/3: multicast and reserved
];

function ipv4Number(host: string): number | undefined {
  const parts = host.split(".");
  if (parts.length !== 4 || !parts.every((p) => /^\d{1,3}$/.test(p) && Number(p) <= 255)) {
    return undefined;
  }
  return parts.reduce((n, p) => n * 256 + Number(p), 0);
}

function isPrivateV4(value: number): boolean {
  return PRIVATE_V4.some(([base, bits]) => value >>> (32 - bits) === base >>> (32 - bits));
}

/** Loopback, unspecified, unique-local, link-local, and IPv4-mapped private addresses. */
function isPrivateV6(host: string): boolean {
  const address = host.replace(/^\[|\]$/g, "").toLowerCase();
  if (address === "::1" || address === "::") return true;
  if (/^f[cd]/.test(address) || /^fe[89ab]/.test(address)) return true;
  const mapped = /^::ffff:(.+)$/.exec(address)?.[1];
  if (mapped === undefined) return false;
  const v4 = ipv4Number(mapped);
  if (v4 !== undefined) return isPrivateV4(v4);
  // The WHATWG URL parser writes a mapped address as two hex groups.
  const groups = mapped.split(":").map((g) => Number.parseInt(g, 16));
  return groups.length === 2 && isPrivateV4(((groups[0] ?? 0) << 16) + (groups[1] ?? 0));
}

/** Why a URL may not receive webhooks, or undefined when it may. */
export function webhookTargetProblem(url: string, allowPrivate: boolean): string | undefined {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return "is not an absolute URL";
  }
  if (parsed.username || parsed.password) return "must not carry credentials";
  if (parsed.protocol !== "https:" && !(allowPrivate && parsed.protocol === "http:")) {
    return "must use https";
  }
  if (allowPrivate) return undefined;

  // The URL parser has already normalized decimal, octal and hex IPv4 forms.
  const host = parsed.hostname.toLowerCase().replace(/\.$/, "");
  if (host === "localhost" || host.endsWith(".localhost")) return "must not be localhost";
  const v4 = ipv4Number(host);
  if (v4 !== undefined && isPrivateV4(v4)) return "must not be a private or loopback address";
  if (host.startsWith("[") && isPrivateV6(host)) {
    return "must not be a private or loopback address";
  }
  return undefined;
}

/** Whether this deployment lets webhooks reach loopback and private targets (dev and tests). */
export function allowsPrivateTargets(env: { WEBHOOKS_ALLOW_PRIVATE_TARGETS?: string }): boolean {
  return env.WEBHOOKS_ALLOW_PRIVATE_TARGETS === "true";
}
