/** A form-level error, announced to screen readers as soon as the page loads. */
export function FormError({ id, message }: { id: string; message: string | undefined }) {
  if (!message) return null;

  return (
    <p id={id} class="alert" role="alert">
      {message}
    </p>
  );
}
