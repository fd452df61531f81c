// Small progressive enhancements; every page works without this file.
document.addEventListener("DOMContentLoaded", () => {
  // A scanned QR (a USB scanner types the /v/<token> address and Enter) lands in the focused field.
  document.querySelectorAll("[data-autofocus]").forEach((el) => el.focus());
});
// After an htmx swap, move focus to a refusal so keyboard and screen-reader users hear it.
document.addEventListener("htmx:afterSwap", (event) => {
  const problem = event.detail.target.querySelector("[role=alert]");
  if (problem) { problem.setAttribute("tabindex", "-1"); problem.focus(); }
});
