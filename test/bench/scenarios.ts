import {
  clientCredentials,
  readDiscoveryAndJwks,
  refresh,
  signIn,
  type Target,
  userinfoAndIntrospection,
} from "./flows";

/** One scenario of issue 7, ready to run against a target; `undefined` means n/a. */
export interface Scenario {
  id: string;
  title: string;
  /** Requests one operation makes, to turn operations per second into requests per second. */
  requestsPerOp: number | "varies";
  /** Prepares per-target state, then returns the operation the load generator repeats. */
  prepare(target: Target, concurrency: number): Promise<() => Promise<void>>;
  /** Why a server cannot do the scenario, by server name. */
  notApplicable?: Record<string, string>;
}

/** Enough signed-in sessions for each worker to rotate its own refresh token chain. */
async function refreshPool(target: Target, size: number): Promise<string[]> {
  const pool: string[] = [];
  for (let i = 0; i < size; i++) {
    const tokens = await signIn(target);
    if (!tokens.refresh_token) throw new Error(`${target.name} issued no refresh token`);
    pool.push(tokens.refresh_token);
  }
  return pool;
}

export const scenarios: Scenario[] = [
  {
    id: "discovery-jwks",
    title: "1. Discovery + JWKS",
    requestsPerOp: 2,
    prepare: async (target) => () => readDiscoveryAndJwks(target),
  },
  {
    id: "client-credentials",
    title: "2. client_credentials",
    requestsPerOp: 1,
    prepare: async (target) => () => clientCredentials(target),
  },
  {
    id: "password-sign-in",
    title: "3. Code + PKCE sign-in",
    requestsPerOp: "varies",
    prepare: async (target) => async () => {
      await signIn(target);
    },
  },
  {
    id: "refresh-rotation",
    title: "4. Refresh rotation",
    requestsPerOp: 1,
    prepare: async (target, concurrency) => {
      const pool = await refreshPool(target, concurrency);
      return async () => {
        const token = pool.shift();
        if (!token) throw new Error("refresh pool empty");
        try {
          const rotated = await refresh(target, token);
          pool.push(rotated.refresh_token ?? "");
        } catch (error) {
          // The chain is spent either way; start a new one so the run goes on.
          pool.push(...(await refreshPool(target, 1)));
          throw error;
        }
      };
    },
  },
  {
    id: "userinfo-introspection",
    title: "5. Userinfo + introspection",
    requestsPerOp: 2,
    prepare: async (target) => {
      const { access_token } = await signIn(target);
      return () => userinfoAndIntrospection(target, access_token);
    },
  },
  {
    id: "passkey-sign-in",
    title: "6. Passkey sign-in",
    requestsPerOp: 2,
    prepare: async () => {
      throw new Error("not applicable");
    },
    notApplicable: {
      latchkey: "not built yet (issue 6): src/ has no WebAuthn endpoints",
      "oidc-provider": "no WebAuthn in oidc-provider: authentication is the app's interaction code",
    },
  },
];
