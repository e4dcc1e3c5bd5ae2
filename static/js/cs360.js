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

// A table wider than the screen scrolls inside its wrapper; make that region reachable and
// named for keyboard and screen-reader users (axe: scrollable-region-focusable), on load
// and after every htmx swap, so no template has to remember it.
function labelScrollRegions(root) {
  root.querySelectorAll(".table-responsive").forEach((region) => {
    if (region.hasAttribute("tabindex")) return;
    const table = region.querySelector("table");
    const caption = table?.querySelector("caption")?.textContent.trim();
    const heading = region.closest("section, .card, main")?.querySelector("h1, h2, h3, h4");
    region.setAttribute("tabindex", "0");
    region.setAttribute("role", "region");
    region.classList.add("table-scroll");
    region.setAttribute("aria-label", caption || heading?.textContent.trim() || "Table");
  });
}
document.addEventListener("DOMContentLoaded", () => labelScrollRegions(document));
document.addEventListener("htmx:afterSettle", (event) => labelScrollRegions(event.target));
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
