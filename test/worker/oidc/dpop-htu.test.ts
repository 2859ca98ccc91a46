import { describe, expect, it } from "vitest";
import { normalizedHtu } from "../../../src/oidc/dpop/htu";

describe("htu comparison (RFC 9449 §4.3, RFC 3986 §6.2.2-6.2.3)", () => {
  const token = "https://id.example/realms/r/protocol/openid-connect/token";

  it("drops the query and the fragment", () => {
    expect(normalizedHtu(`${token}?x=1#frag`)).toBe(token);
  });

  it("ignores case in scheme and host and the default port", () => {
    expect(normalizedHtu("HTTPS://ID.EXAMPLE:443/realms/r/protocol/openid-connect/token")).toBe(
      token,
    );
  });

  it("decodes percent-encoded unreserved characters and upper-cases other escapes", () => {
    expect(normalizedHtu("https://id.example/a%7eb/%2fc")).toBe("https://id.example/a~b/%2Fc");
  });

  it("removes dot segments", () => {
    expect(normalizedHtu("https://id.example/realms/x/../r/protocol/openid-connect/token")).toBe(
      token,
    );
  });

  it("keeps different paths, ports and schemes apart", () => {
    expect(normalizedHtu(`${token}/`)).not.toBe(token);
    expect(normalizedHtu(token.replace("id.example", "id.example:8443"))).not.toBe(token);
    expect(normalizedHtu(token.replace("https:", "http:"))).not.toBe(token);
  });

  it("answers undefined for what is not an absolute http(s) URI", () => {
    expect(normalizedHtu("/realms/r/protocol/openid-connect/token")).toBeUndefined();
    expect(normalizedHtu("urn:example:token")).toBeUndefined();
  });
});
