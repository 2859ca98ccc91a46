/**
 * Truncates an address to its network: IPv4 to /24, IPv6 to /48. What is not an address
 * becomes null rather than being stored as it came.
 */
export function truncateIp(address: string): string | null {
  if (/^\d{1,3}(\.\d{1,3}){3}$/.test(address)) {
    return `${address.split(".").slice(0, 3).join(".")}.0`;
  }
  if (!address.includes(":") || !/^[0-9a-fA-F:.]+$/.test(address)) return null;

  const groups = expandIpv6(address);
  if (!groups) return null;
  return `${groups.slice(0, 3).join(":")}::`;
}

/** The eight groups of an IPv6 address, `::` expanded; undefined when malformed. */
function expandIpv6(address: string): string[] | undefined {
  const [head = "", tail, ...rest] = address.split("::");
  if (rest.length > 0) return undefined;
  const left = head === "" ? [] : head.split(":");
  const right = tail === undefined || tail === "" ? [] : tail.split(":");
  const missing = 8 - left.length - right.length;
  if (tail === undefined ? missing !== 0 : missing < 1) return undefined;

  const groups = [...left, ...Array<string>(missing).fill("0"), ...right];
  if (!groups.every((g) => /^[0-9a-fA-F]{1,4}$/.test(g))) return undefined;
  return groups.map((g) => g.toLowerCase().replace(/^0+(?=.)/, ""));
}

/** The client's address as Cloudflare reports it, truncated when the realm asks for it. */
export function eventIpAddress(header: string | undefined, truncate: boolean): string | null {
  const address = header?.trim();
  if (!address) return null;
  return truncate ? truncateIp(address) : address.slice(0, 64);
}
