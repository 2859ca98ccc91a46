import { eq } from "drizzle-orm";
import type { Database } from "./client";
import { groupMembers, groups } from "./role-schema";

/** A group a user is a direct member of: its name and full path (`/parent/child`). */
export interface UserGroup {
  name: string;
  path: string;
}

/** The user's direct group memberships (Keycloak's group membership mapper lists these). */
export function directGroups(db: Database, userId: string): Promise<UserGroup[]> {
  return db
    .select({ name: groups.name, path: groups.path })
    .from(groupMembers)
    .innerJoin(groups, eq(groups.id, groupMembers.groupId))
    .where(eq(groupMembers.userId, userId))
    .orderBy(groups.path);
}
