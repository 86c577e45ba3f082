// What pages would otherwise say in inline attributes (onchange, onsubmit), which the
// Content-Security-Policy forbids: behaviour is declared with data- attributes and wired here.
//   <select data-submit-on-change>  submits its form when another option is chosen;
//   <form data-confirm="Question?">  asks before it is sent, and is not sent on "Cancel";
//   [data-announce]  swapped in by HTMX, its text is said by the page's live region (#live-status);
//   [data-error-summary]  a form's list of problems, focused when the page or the swap shows it.
"use strict";

document.addEventListener("change", (event) => {
  const field = event.target;
  if (field instanceof HTMLSelectElement && field.hasAttribute("data-submit-on-change") && field.form) {
    field.form.requestSubmit();
  }
});

document.addEventListener("submit", (event) => {
  const form = event.target;
  if (form instanceof HTMLFormElement && form.dataset.confirm && !window.confirm(form.dataset.confirm)) {
    event.preventDefault();
  }
});

// Live streams (HTMX's SSE extension): keep the last event's number in the stream's address,
// so a stream the extension opens anew (the server was away) resumes there, not where the
// page was rendered. The browser's own reconnects send it as Last-Event-ID.
document.addEventListener("htmx:sseMessage", (event) => {
  const number = event.detail && event.detail.lastEventId;
  const source = event.target instanceof Element ? event.target.closest("[sse-connect]") : null;
  if (!number || !source) {
    return;
  }
  const address = new URL(source.getAttribute("sse-connect"), window.location.href);
  address.searchParams.set("after", number);
  source.setAttribute("sse-connect", address.pathname + address.search);
});

// The menu button of small screens (<header data-menu>): it shows and hides the menu it
// controls and says which in aria-expanded. Only once this runs does the stylesheet fold the
// menu away (.menu-ready), so that without script the menu is simply open.
document.addEventListener("DOMContentLoaded", () => {
  for (const header of document.querySelectorAll("[data-menu]")) {
    const button = header.querySelector("button[aria-controls]");
    if (!button) {
      continue;
    }
    button.addEventListener("click", () => {
      button.setAttribute("aria-expanded", String(button.getAttribute("aria-expanded") !== "true"));
    });
    header.addEventListener("keydown", (event) => {
      if (event.key === "Escape" && button.getAttribute("aria-expanded") === "true") {
        button.setAttribute("aria-expanded", "false");
        button.focus();
      }
    });
    header.classList.add("menu-ready");
  }
});

// Search filters (<details data-fold-narrow open>) are open as the server sends them, which is
// what a page without script shows; on a phone they fold away, results first, also after
// HTMX has swapped in new results.
const narrow = window.matchMedia("(max-width: 47.99em)");
function foldOnNarrowScreens(root) {
  if (narrow.matches) {
    for (const panel of root.querySelectorAll("details[data-fold-narrow]")) {
      panel.open = false;
    }
  }
}
document.addEventListener("DOMContentLoaded", () => foldOnNarrowScreens(document));
document.addEventListener("htmx:afterSettle", (event) => {
  if (event.target instanceof Element) {
    foldOnNarrowScreens(event.target);
  }
});

// After an HTMX swap: the new text of what changed (a results count) goes to the live region
// that was on the page all along, which screen readers announce; an element born with the
// swap would not be. A form that came back with problems puts focus on its summary.
function announceAndFocus(root) {
  const summary = root.querySelector("[data-error-summary]");
  if (summary) {
    summary.focus();
  }
}
document.addEventListener("DOMContentLoaded", () => announceAndFocus(document));
document.addEventListener("htmx:afterSettle", (event) => {
  const root = event.target instanceof Element ? event.target : null;
  if (!root) {
    return;
  }
  const status = document.getElementById("live-status");
  const changed = root.matches("[data-announce]") ? root : root.querySelector("[data-announce]");
  if (status && changed) {
    status.textContent = changed.textContent.trim();
  }
  announceAndFocus(root);
});
