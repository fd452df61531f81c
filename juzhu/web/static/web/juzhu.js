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
// The code screen: the "send a new code" button wakes up when its pause is over (the server still checks).
document.addEventListener("DOMContentLoaded", () => {
  const button = document.querySelector("[data-resend-in]");
  if (!button) return;
  let left = parseInt(button.dataset.resendIn || "0", 10);
  const wait = document.querySelector("[data-testid=code-resend-wait]");
  const count = wait ? wait.querySelector("[data-countdown]") : null;
  const tick = () => {
    if (left <= 0) {
      button.disabled = false;
      if (wait) wait.hidden = true;
      return;
    }
    if (count) count.textContent = String(left);
    left -= 1;
    setTimeout(tick, 1000);
  };
  tick();
});
