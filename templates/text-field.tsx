export interface TextFieldProps {
  /** The control's `id` and `name`. */
  name: string;
  label: string;
  type?: "text" | "email" | "password";
  autocomplete: string;
  value?: string;
  /** A localized message shown under the field and linked to it. */
  error?: string;
  /** Id of an error shown elsewhere (e.g. above the form) that also describes this field. */
  describedBy?: string;
  /** A localized hint shown under the field. */
  hint?: string;
  required?: boolean;
  /** Turns off auto-capitalisation and spell checking, for addresses, usernames, passwords. */
  verbatim?: boolean;
  autofocus?: boolean;
  minLength?: number;
}

/** A labelled input whose hint and error are tied to it with `aria-describedby`. */
export function TextField(props: TextFieldProps) {
  const { name, label, type = "text", error, hint } = props;
  const hintId = hint ? `${name}-hint` : undefined;
  const errorId = error ? `${name}-error` : undefined;
  const describedBy = [props.describedBy, hintId, errorId].filter(Boolean).join(" ");
  const invalid = Boolean(error || props.describedBy);

  return (
    <div class={invalid ? "field field-invalid" : "field"}>
      <label for={name}>{label}</label>
      <input
        id={name}
        name={name}
        type={type}
        value={type === "password" ? undefined : props.value}
        autocomplete={props.autocomplete}
        required={props.required}
        autofocus={props.autofocus}
        minlength={props.minLength}
        autocapitalize={props.verbatim ? "none" : undefined}
        spellcheck={props.verbatim ? false : undefined}
        aria-invalid={invalid ? "true" : undefined}
        aria-describedby={describedBy || undefined}
      />
      {hint && (
        <p id={hintId} class="hint">
          {hint}
        </p>
      )}
      {error && (
        <p id={errorId} class="field-error">
          {error}
        </p>
      )}
    </div>
  );
}
