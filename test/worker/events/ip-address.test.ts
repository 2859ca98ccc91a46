import { describe, expect, it } from "vitest";
import { eventIpAddress, truncateIp } from "../../../src/events/ip-address";

describe("IP truncation in events (realm attribute eventsIpTruncation)", () => {
  it.each([
    ["203.0.113.77", "203.0.113.0"],
    ["2001:db8:1234:5678::1", "2001:db8:1234::"],
    ["2001:0DB8:0001:ffff:1:2:3:4", "2001:db8:1::"],
    ["::1", "0:0:0::"],
    ["fe80::", "fe80:0:0::"],
  ])("keeps only the network of %s", (address, network) => {
    expect(truncateIp(address)).toBe(network);
  });

  it.each(["not-an-ip", "1::2::3", "2001:db8:zzzz::1", "1:2:3:4:5:6:7:8:9", ""])(
    "stores nothing for %j rather than what came",
    (value) => {
      expect(truncateIp(value)).toBeNull();
    },
  );

  it("stores the full address without truncation, and nothing without a header", () => {
    expect(eventIpAddress("2001:db8::7", false)).toBe("2001:db8::7");
    expect(eventIpAddress("2001:db8::7", true)).toBe("2001:db8:0::");
    expect(eventIpAddress(undefined, true)).toBeNull();
    expect(eventIpAddress("  ", false)).toBeNull();
  });
});
