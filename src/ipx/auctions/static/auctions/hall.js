// The countdown of a lot's hall: beside each <time data-countdown datetime="…"> (the close,
// which a late bid moves: the live stream swaps in a new one) the time left, counted by the
// reader's clock corrected by the server's (data-now, when the page or the swap was made).
// Screen readers read the close itself; the ticking text is hidden from them.
"use strict";

(() => {
  const skew = new Map();  // element → the server's clock minus the browser's, in ms

  function left(ms) {
    if (ms <= 0) {
      return null;
    }
    const seconds = Math.floor(ms / 1000);
    const hours = Math.floor(seconds / 3600);
    const minutes = Math.floor((seconds % 3600) / 60);
    const rest = String(seconds % 60).padStart(2, "0");
    return hours ? `${hours}:${String(minutes).padStart(2, "0")}:${rest}` : `${minutes}:${rest}`;
  }

  function tick() {
    for (const time of document.querySelectorAll("time[data-countdown]")) {
      if (!skew.has(time)) {
        const serverNow = Date.parse(time.dataset.now || "");
        skew.set(time, Number.isNaN(serverNow) ? 0 : serverNow - Date.now());
      }
      let shown = time.nextElementSibling;
      if (!shown || !shown.classList.contains("countdown")) {
        shown = document.createElement("span");
        shown.className = "countdown";
        shown.setAttribute("aria-hidden", "true");
        time.after(shown);
      }
      const remaining = left(Date.parse(time.getAttribute("datetime")) - (Date.now() + skew.get(time)));
      shown.textContent = remaining ? ` (${time.dataset.leftLabel || ""} ${remaining})` : ` (${time.dataset.closedLabel || ""})`;
    }
  }

  document.addEventListener("DOMContentLoaded", () => {
    tick();
    window.setInterval(tick, 1000);
  });
  document.addEventListener("htmx:afterSettle", tick);
})();
