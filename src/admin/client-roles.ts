import type { Context } from "hono";
import type { AppEnv } from "../config";
import { pathClient } from "./client-store";
import { clientContainer } from "./role-container";
import { roleContainerRoutes } from "./roles";

/** `/admin/realms/{realm}/clients/{id}/roles`: a client's roles, as the realm's are served. */
export const clientRoleRoutes = roleContainerRoutes(async (c: Context<AppEnv>) =>
  clientContainer((await pathClient(c)).id),
);
