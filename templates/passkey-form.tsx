import type { PageProps } from "./page-props";

export interface PasskeyFormProps extends Pick<PageProps, "t"> {
  ceremony: "authentication" | "registration";
  /** Where the finished ceremony's credential is posted. */
  action: string;
  /** Where the script fetches the ceremony's options. */
  optionsUrl: string;
  csrfToken: string;
  /** Offer passkeys in the username field's autofill (conditional mediation) on load. */
  autofill?: boolean;
}

/**
 * The passkey button and the form that carries the browser's credential. Hidden until the
 * passkey script finds WebAuthn, so a page without JavaScript offers only what works.
 */
export function PasskeyForm(props: PasskeyFormProps) {
  const { t, ceremony, action, optionsUrl, csrfToken } = props;
  const errorId = `passkey-${ceremony}-error`;
  const label = ceremony === "authentication" ? t("passkey.signIn") : t("passkey.signUp");

  return (
    <section class="passkey" data-passkey-section hidden>
      <p class="divider">{t("passkey.or")}</p>
      {ceremony === "registration" && <p class="hint">{t("passkey.signUpHint")}</p>}
      <p id={errorId} class="alert" role="alert" hidden />
      <form
        method="post"
        action={action}
        data-passkey={ceremony}
        data-options={optionsUrl}
        data-autofill={props.autofill ? "on" : undefined}
        data-error={errorId}
        data-cancelled={t("passkey.cancelled")}
        data-failed={t("passkey.failed")}
      >
        <input type="hidden" name="csrf_token" value={csrfToken} />
        <input type="hidden" name="credential" value="" />
        <button type="submit" id={`passkey-${ceremony}`}>
          {label}
        </button>
      </form>
      <script src="/resources/webauthn.js" />
      <script src="/resources/passkeys.js" />
    </section>
  );
}
