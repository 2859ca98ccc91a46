import { randomId } from "../crypto/random";
import type { ProtocolMapper } from "../db/client-scopes";
import type { Client } from "../db/clients";
import type { Realm } from "../db/realms";
import type { EffectiveRoles } from "../db/roles";
import type { Session } from "../db/sessions";
import type { UserGroup } from "../db/user-groups";
import type { User } from "../db/users";
import type { RealmKeys } from "../keys/realm-keys";
import { signJwt } from "../keys/sign";
import { requestedUserClaims } from "./claims-request";
import { mappedAudiences, mapperClaims } from "./protocol-mappers";
import { accessTokenLifespan } from "./token/lifetimes";
import { halfHash, idTokenAlg } from "./token/signing-algs";
import { userClaims } from "./user-claims";

/** Who an ID token is about and what it is issued alongside. */
export interface IdTokenContent {
  realm: Realm;
  issuer: string;
  client: Client;
  user: User;
  /** The session's id and how the person authenticated in it. */
  session: Pick<Session, "id" | "amr">;
  scope: string;
  authTime: number;
  nonce?: string;
  now: number;
  /** Issued with an access token: `at_hash` (OpenID Connect Core §3.1.3.6). */
  accessToken?: string;
  /** Issued with a code from the authorization endpoint: `c_hash` (§3.3.2.11). */
  code?: string;
  /** Keycloak's acr: "1" for a sign-in for this request, "0" for a reused SSO session. */
  acr?: string;
  /** User claims the `claims` parameter asked for in the ID token (OpenID Connect Core §5.5). */
  requestedClaims?: readonly string[];
  /** Protocol mappers that apply: their ID token claims and audiences. */
  mappers?: ProtocolMapper[];
  /** Effective roles and direct groups, for role and group membership mappers. */
  roles?: EffectiveRoles;
  groups?: readonly UserGroup[];
}

/**
 * Signs an ID token (OpenID Connect Core §2) with the client's ID token alg: the person's
 * claims for the scope, the session, and the hashes of what comes with it.
 */
export async function signIdToken(keys: RealmKeys, content: IdTokenContent): Promise<string> {
  const { realm, client, user, session, now } = content;
  const mappers = content.mappers ?? [];
  // The client is always an audience of its ID token (Core §2); mappers may add others.
  const audience = [...new Set([client.clientId, ...mappedAudiences(mappers, "id")])];
  const alg = idTokenAlg(realm, client);
  const hashes = {
    ...(content.accessToken ? { at_hash: await halfHash(alg, content.accessToken) } : {}),
    ...(content.code ? { c_hash: await halfHash(alg, content.code) } : {}),
  };

  return signJwt(
    keys,
    {
      iss: content.issuer,
      sub: user.id,
      iat: now,
      jti: randomId(),
      azp: client.clientId,
      sid: session.id,
      aud: audience.length === 1 ? client.clientId : audience,
      // As long as the access token it comes with, as Keycloak does.
      exp: now + accessTokenLifespan(realm, client),
      auth_time: content.authTime,
      typ: "ID",
      amr: session.amr,
      ...(content.acr === undefined ? {} : { acr: content.acr }),
      ...hashes,
      ...(content.nonce === undefined ? {} : { nonce: content.nonce }),
      ...userClaims(user, content.scope),
      ...requestedUserClaims(user, content.requestedClaims ?? []),
      ...mapperClaims(mappers, { user, roles: content.roles, groups: content.groups }, "id"),
    },
    { typ: "JWT", alg },
  );
}
