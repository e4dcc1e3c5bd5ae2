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
