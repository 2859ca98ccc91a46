/** The catalogue of log events; each is one JSON line. */
export type LogEvent =
  | "login.succeeded"
  | "login.failed"
  | "register.succeeded"
  | "register.failed"
  | "token.issued"
  | "token.failed"
  | "code.replayed"
  | "refresh_token.reused"
  | "device.approved"
  | "device.denied"
  | "device.failed"
  | "logout"
  | "client.registered"
  | "client.updated"
  | "client.deleted"
  | "consent.granted"
  | "consent.denied"
  | "consent.revoked"
  | "passkey.added"
  | "passkey.add_failed"
  | "passkey.renamed"
  | "passkey.removed"
  | "passkey.remove_refused"
  | "logout.backchannel_delivered"
  | "logout.backchannel_failed"
  | "logout.notify_failed"
  | "request.invalid"
  | "keys.publish_failed"
  | "keys.rotated"
  | "keys.rotation_failed"
  | "event.record_failed"
  | "webhook.delivered"
  | "webhook.failed"
  | "webhook.endpoint_disabled"
  | "admin.bootstrapped"
  | "admin.realm_deleted"
  | "config.invalid"
  | "server.error";

/**
 * Writes a structured event. Callers pass ids, never emails, passwords, codes, tokens,
 * `state` or query strings.
 */
export function logEvent(
  event: LogEvent,
  fields: Record<string, string | number | boolean | undefined> = {},
) {
  console.log(JSON.stringify({ event, time: new Date().toISOString(), ...fields }));
}
