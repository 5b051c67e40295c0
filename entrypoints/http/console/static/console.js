// fancrm console: what HTML and htmx cannot say. Served from this site (the CSP runs no inline
// script); pages opt in with data- attributes, so this file holds no page's markup.
"use strict";

// Keyboard: a page marks its shortcuts with data-key="j" on the element to click or focus.
// Keys typed into a field are the field's, except Escape, which leaves it.
document.addEventListener("keydown", (event) => {
  if (event.ctrlKey || event.metaKey || event.altKey) return;
  const typing = event.target.closest("input, textarea, select, [contenteditable]");
  if (typing) {
    if (event.key === "Escape") typing.blur();
    return;
  }
  const target = document.querySelector(`[data-key="${CSS.escape(event.key)}"]`);
  if (!target) return;
  event.preventDefault();
  if (target.matches("input, textarea, select")) target.focus();
  else target.click();
});

// A form with data-confirm="…" asks before it is sent. Refused, the submit stops here, before
// it reaches the form: htmx's own listener on an hx-post form would send it anyway.
document.addEventListener("submit", (event) => {
  const message = event.target.dataset.confirm;
  if (message && !window.confirm(message)) {
    event.preventDefault();
    event.stopPropagation();
  }
}, true);

// A textarea with data-counter="id" shows its length (and its limit) in the element of that id.
document.addEventListener("input", (event) => {
  const field = event.target;
  const counter = field.dataset && field.dataset.counter && document.getElementById(field.dataset.counter);
  if (!counter) return;
  const max = field.getAttribute("maxlength");
  counter.textContent = max ? `${field.value.length} / ${max}` : String(field.value.length);
});

// A button with data-insert-from="a select's id" data-insert-into="a field's id" puts the chosen
// option's value into the field where the caret is (a quick reply into the reply box).
document.addEventListener("click", (event) => {
  const button = event.target.closest("[data-insert-from]");
  if (!button) return;
  const source = document.getElementById(button.dataset.insertFrom);
  const field = document.getElementById(button.dataset.insertInto);
  if (!source || !field || !source.value) return;
  field.setRangeText(source.value, field.selectionStart, field.selectionEnd, "end");
  field.dispatchEvent(new Event("input", { bubbles: true }));  // its counter follows
  field.focus();
});

// htmx drops an answer of 4xx/5xx. A region with data-swap-errors="409 404" answers those
// statuses with a fragment saying what was refused: swap it in like a success.
document.addEventListener("htmx:beforeSwap", (event) => {
  const region = event.detail.elt.closest("[data-swap-errors]");
  const status = String(event.detail.xhr.status);
  if (region && region.dataset.swapErrors.split(" ").includes(status)) {
    event.detail.shouldSwap = true;
    event.detail.isError = false;
  }
});

// A button with data-copy="a field's id" copies the field's text (a link or a key shown once),
// and says so in the element of data-copy-status. Where the clipboard is refused (a page not
// served over HTTPS, a permission denied) the text is selected instead, to copy by keyboard.
document.addEventListener("click", async (event) => {
  const button = event.target.closest("[data-copy]");
  if (!button) return;
  const field = document.getElementById(button.dataset.copy);
  const status = document.getElementById(button.dataset.copyStatus || "");
  if (!field) return;
  let said;
  try {
    await navigator.clipboard.writeText(field.value);
    said = "Copied.";
  } catch {
    field.focus();
    field.select();
    said = "Selected: press Ctrl+C (⌘C on a Mac) to copy it.";
  }
  if (status) status.textContent = said;
});
