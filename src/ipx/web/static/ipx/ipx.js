// What pages would otherwise say in inline attributes (onchange, onsubmit), which the
// Content-Security-Policy forbids: behaviour is declared with data- attributes and wired here.
//   <select data-submit-on-change>  submits its form when another option is chosen;
//   <form data-confirm="Question?">  asks before it is sent, and is not sent on "Cancel".
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
