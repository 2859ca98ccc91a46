import type { Database } from "../db/client";
import { loadClientScopeSet, type ProtocolMapper } from "../db/client-scopes";
import type { Client } from "../db/clients";
import type { User } from "../db/users";
import { mappedClaims, mapperSubject } from "./mapper-values";
import { applicableMappers, claimPath, includedIn, mapperClaims } from "./protocol-mappers";

type Claims = Record<string, unknown>;

/** Removes the claim at a path, and the objects it leaves empty. */
function removeClaim(claims: Claims, path: string[]): void {
  const [head, ...rest] = path;
  if (head === undefined || !(head in claims)) return;
  const next = claims[head];
  if (rest.length === 0) {
    delete claims[head];
  } else if (typeof next === "object" && next !== null && !Array.isArray(next)) {
    removeClaim(next as Claims, rest);
    if (Object.keys(next).length === 0) delete claims[head];
  }
}

/**
 * The claims an introspection answer (RFC 7662 §2.2) carries for an access token: the token's
 * own, less those of mappers with `introspection.token.claim` false, plus those of mappers
 * with it true that stay out of the access token (Keycloak's rule; absent follows
 * `access.token.claim`, so most answers are the token's claims as they are).
 */
export async function introspectionClaims(
  db: Database,
  client: Client,
  user: User,
  claims: Claims,
): Promise<Claims> {
  const scope = typeof claims.scope === "string" ? claims.scope : "";
  const set = await loadClientScopeSet(db, client.realmId, client.id);
  const differing = applicableMappers(set, client, scope).filter(
    (mapper) =>
      mapper.type !== "oidc-audience-mapper" &&
      includedIn(mapper, "access") !== includedIn(mapper, "introspection"),
  );
  if (differing.length === 0) return claims;

  const subject = await mapperSubject(db, client, user, scope, differing);
  const withheld = differing.filter((mapper) => includedIn(mapper, "access"));
  const answer = structuredClone(claims);
  for (const claim of withheld.flatMap((mapper: ProtocolMapper) => mappedClaims(mapper, subject))) {
    removeClaim(answer, claimPath(claim.name));
  }
  const added = differing.filter((mapper) => !includedIn(mapper, "access"));
  return mapperClaims(added, subject, "introspection", answer);
}
