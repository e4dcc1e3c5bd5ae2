// Small behaviours shared by every page. Pages work without this file.
document.addEventListener("htmx:afterSwap", (event) => {
  // Move focus to the first error after an invalid form comes back, for keyboard users.
  const invalid = event.target.querySelector(".is-invalid, .invalid-feedback");
  if (invalid) {
    const field = event.target.querySelector(".is-invalid") || invalid;
    field.focus?.();
  }
});
document.addEventListener("click", (event) => {
  const button = event.target.closest("[data-confirm]");
  if (button && !window.confirm(button.dataset.confirm)) {
    event.preventDefault();
  }
});
// Behaviours wired by data attributes, so no page needs an inline handler (the
// Content-Security-Policy forbids them).
document.addEventListener("click", (event) => {
  if (event.defaultPrevented) return;
  if (event.target.closest("[data-print]")) {
    window.print();
    return;
  }
  const remover = event.target.closest("[data-remove-closest]");
  if (remover) remover.closest(remover.dataset.removeClosest)?.remove();
});
document.addEventListener("change", (event) => {
  const field = event.target.closest("[data-autosubmit]");
  if (field && field.form) field.form.requestSubmit();
});
