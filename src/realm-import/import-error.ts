/**
 * One problem found in a realm file: where it is (a JSON path such as `$.clients[0].secret`) and
 * what is wrong.
 */
export interface ImportIssue {
  path: string;
  message: string;
}

/**
 * Thrown when a realm file cannot be imported; its message names the JSON path of each bad
 * field.
 */
export class ImportError extends Error {
  constructor(readonly issues: ImportIssue[]) {
    super(issues.map((issue) => `${issue.path}: ${issue.message}`).join("\n"));
    this.name = "ImportError";
  }

  /** An error about a single field. */
  static at(path: PropertyKey[], message: string): ImportError {
    return new ImportError([{ path: jsonPath(path), message }]);
  }
}

const identifier = /^[A-Za-z_$][A-Za-z0-9_$]*$/;

/** Formats a path such as `["clients", 0, "attributes", "pkce.code.challenge.method"]`. */
export function jsonPath(path: readonly PropertyKey[]): string {
  let out = "$";
  for (const key of path) {
    if (typeof key === "number") out += `[${key}]`;
    else if (typeof key === "string" && identifier.test(key)) out += `.${key}`;
    else out += `[${JSON.stringify(String(key))}]`;
  }
  return out;
}
