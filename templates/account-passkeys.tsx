import { formatInstant } from "./instant";
import type { PageProps } from "./page-props";

export interface AccountPasskey {
  /** The passkey's row id, posted back to rename or remove it. */
  id: string;
  name: string;
  createdAt: Date;
  lastUsedAt: Date | null;
  /** Backup eligible: synced across the person's devices rather than bound to one. */
  synced: boolean;
}

export interface AccountPasskeysProps extends PageProps {
  list: AccountPasskey[];
  csrfToken: string;
  /** Where the passkey script fetches creation options for a new passkey. */
  addOptionsUrl: string;
  /** Where the new passkey's credential is posted. */
  addAction: string;
  renameAction: string;
  removeAction: string;
  /** Set when the sign-in is too old to add a passkey: where to sign in again first. */
  signInAgainUrl?: string;
}

/** The person's passkeys, each with a rename and a remove form, and a way to add one. */
export function AccountPasskeys(props: AccountPasskeysProps) {
  const { t, locale, list } = props;

  return (
    <section class="passkeys">
      <h2>{t("account.passkeys")}</h2>
      {list.length === 0 && <p>{t("account.noPasskeys")}</p>}
      {list.map((passkey) => (
        <div class="passkey-item">
          <h3>
            {passkey.name}
            <span class="badge">
              {t(passkey.synced ? "account.passkeySynced" : "account.passkeyDeviceBound")}
            </span>
          </h3>
          <dl class="details">
            <dt>{t("account.passkeyAdded")}</dt>
            <dd>
              <time datetime={passkey.createdAt.toISOString()}>
                {formatInstant(locale, passkey.createdAt)}
              </time>
            </dd>
            <dt>{t("account.passkeyLastUsed")}</dt>
            <dd>
              {passkey.lastUsedAt ? (
                <time datetime={passkey.lastUsedAt.toISOString()}>
                  {formatInstant(locale, passkey.lastUsedAt)}
                </time>
              ) : (
                t("account.passkeyNeverUsed")
              )}
            </dd>
          </dl>
          <form method="post" action={props.renameAction} class="passkey-rename">
            <input type="hidden" name="csrf_token" value={props.csrfToken} />
            <input type="hidden" name="passkey_id" value={passkey.id} />
            <label for={`passkey-name-${passkey.id}`}>{t("account.passkeyName")}</label>
            <input
              id={`passkey-name-${passkey.id}`}
              name="name"
              value={passkey.name}
              maxlength={64}
              required
            />
            <button type="submit">{t("account.renamePasskey")}</button>
          </form>
          <form method="post" action={props.removeAction} class="passkey-remove">
            <input type="hidden" name="csrf_token" value={props.csrfToken} />
            <input type="hidden" name="passkey_id" value={passkey.id} />
            <button type="submit">{t("account.removePasskey")}</button>
          </form>
        </div>
      ))}
      {props.signInAgainUrl ? (
        <p class="hint">
          <a href={props.signInAgainUrl}>{t("account.passkeySignInToAdd")}</a>
        </p>
      ) : (
        <AddPasskeyForm {...props} />
      )}
    </section>
  );
}

/**
 * "Add a passkey": hidden until the passkey script finds WebAuthn, which then runs the
 * registration ceremony and posts the new credential.
 */
function AddPasskeyForm(props: AccountPasskeysProps) {
  const { t } = props;
  return (
    <div data-passkey-section hidden>
      <p id="passkey-add-error" class="alert" role="alert" hidden />
      <form
        method="post"
        action={props.addAction}
        data-passkey="registration"
        data-options={props.addOptionsUrl}
        data-error="passkey-add-error"
        data-cancelled={t("passkey.cancelled")}
        data-failed={t("passkey.failed")}
      >
        <input type="hidden" name="csrf_token" value={props.csrfToken} />
        <input type="hidden" name="credential" value="" />
        <button type="submit" id="passkey-add">
          {t("account.addPasskey")}
        </button>
      </form>
      <script src="/resources/webauthn.js" />
      <script src="/resources/passkeys.js" />
    </div>
  );
}
