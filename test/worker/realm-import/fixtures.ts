/** A small valid realm file with one public and one confidential client and one user. */
export function realmFile(name: string, extra: Record<string, unknown> = {}) {
  return {
    realm: name,
    displayName: `Realm ${name}`,
    clients: [
      {
        clientId: "spa",
        publicClient: true,
        redirectUris: ["https://spa.example/callback"],
        attributes: { "pkce.code.challenge.method": "S256" },
      },
      {
        clientId: "backend",
        secret: "backend-secret-0123456789",
        redirectUris: ["https://backend.example/cb"],
      },
    ],
    users: [
      {
        username: "ada",
        email: "ada@example.com",
        credentials: [{ type: "password", value: "ada-password-1" }],
      },
    ],
    ...extra,
  };
}

/** The realm file with its first client replaced by `client`. */
export function withClient(name: string, client: Record<string, unknown>) {
  return realmFile(name, { clients: [{ clientId: "app", publicClient: true, ...client }] });
}

/** The realm file with its only user replaced by `user`. */
export function withUser(name: string, user: Record<string, unknown>) {
  return realmFile(name, { users: [{ email: "user@example.com", ...user }] });
}
