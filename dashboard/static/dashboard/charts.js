// Draws the public dashboard's plotly charts from the JSON embedded next to each one.
// Pages work without this file: every chart has its table and CSV next to it.
(function () {
  function config() {
    const el = document.getElementById("plotly-config");
    return el ? JSON.parse(el.textContent) : { responsive: true, displayModeBar: false };
  }
  function render(root) {
    if (!window.Plotly) return;
    root.querySelectorAll("[data-chart]").forEach((el) => {
      if (el.dataset.rendered) return;
      const source = document.getElementById(el.dataset.chart);
      if (!source) return;
      const figure = JSON.parse(source.textContent);
      const options = Object.assign(config(), { topojsonURL: el.dataset.topojson });
      el.dataset.rendered = "1";
      el.classList.add("is-drawn");
      // The chart is a picture for sighted readers (hidden from screen readers: the table
      // next to it is the text equivalent), so nothing inside it may take keyboard focus.
      const unfocus = () =>
        el
          .querySelectorAll("a, button, input, summary, canvas, [tabindex]:not([tabindex='-1'])")
          .forEach((n) => n.setAttribute("tabindex", "-1"));
      window.Plotly.newPlot(el, figure.data, figure.layout, options).then(unfocus);
      el.on?.("plotly_afterplot", unfocus);
      // MapLibre adds its canvas and controls after the plot resolves.
      new MutationObserver(unfocus).observe(el, { childList: true, subtree: true });
    });
  }
  document.addEventListener("DOMContentLoaded", () => render(document));
  document.addEventListener("htmx:afterSettle", (event) => render(event.target));
})();
