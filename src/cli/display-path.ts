import { isAbsolute, relative } from "node:path";

/** A path as messages show it: relative to the project when inside it, absolute otherwise. */
export function displayPath(root: string, path: string): string {
  const inside = relative(root, path);
  if (inside === "") return ".";
  return inside.startsWith("..") || isAbsolute(inside) ? path : inside;
}
