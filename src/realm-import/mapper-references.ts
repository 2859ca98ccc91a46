import type { z } from "zod";

interface MapperEntry {
  protocolMapper: string;
  config?: Record<string, string> | null;
}

interface RealmMappers {
  clientScopes?: readonly { protocolMappers?: readonly MapperEntry[] | null }[] | null;
  clients?: readonly { clientId: string; protocolMappers?: readonly MapperEntry[] | null }[] | null;
}

const CLIENT_KEY = "usermodel.clientRoleMapping.clientId";

/**
 * A client role mapper naming one client (`usermodel.clientRoleMapping.clientId`) must name a
 * client of this realm: otherwise it would silently map nothing. Zod runs this refinement on a
 * file with other issues too, so entries that failed their own parse may lack fields.
 */
export function clientRoleMapperClients(value: RealmMappers, ctx: z.RefinementCtx) {
  const known = new Set((value.clients ?? []).map((entry) => entry?.clientId));
  const check = (mappers: readonly MapperEntry[], path: PropertyKey[]) => {
    mappers.forEach((mapper, index) => {
      const clientId = mapper?.config?.[CLIENT_KEY];
      if (mapper?.protocolMapper !== "oidc-usermodel-client-role-mapper") return;
      if (!clientId || known.has(clientId)) return;
      const message = `no client "${clientId}" in this realm`;
      ctx.addIssue({ code: "custom", path: [...path, index, "config", CLIENT_KEY], message });
    });
  };
  (value.clientScopes ?? []).forEach((scope, index) => {
    check(scope?.protocolMappers ?? [], ["clientScopes", index, "protocolMappers"]);
  });
  (value.clients ?? []).forEach((client, index) => {
    check(client?.protocolMappers ?? [], ["clients", index, "protocolMappers"]);
  });
}
