// fancrm console: the CSV import's upload progress. A form with data-upload="<panel id>" is sent
// here (an XHR: only it reports the upload's progress) rather than by the browser; the answer is
// the import page itself, whose panel of that id takes the place of this one. Without this
// script the form posts as any form does, and the same page comes back.
"use strict";

document.addEventListener("submit", (event) => {
  const form = event.target;
  if (event.defaultPrevented || !form.matches("form[data-upload]")) return;
  event.preventDefault();
  const panel = document.getElementById(form.dataset.upload);
  const progress = form.querySelector("[data-upload-progress]");
  const bar = progress.querySelector("progress");
  const status = progress.querySelector("[data-upload-status]");
  const button = form.querySelector("button[type=submit]");
  progress.classList.remove("hidden");
  const file = form.elements.file.files[0];
  const cap = Number(form.elements.file.dataset.maxBytes);
  if (file && cap && file.size > cap) { // the server would refuse it: spare the upload
    bar.value = 0;
    status.textContent = `This file is ${file.size} bytes; the server takes at most ${cap}. Nothing was sent.`;
    return;
  }

  const xhr = new XMLHttpRequest();
  xhr.open("POST", form.action);
  xhr.setRequestHeader("x-csrftoken", form.elements["_csrf_token"].value);
  // The console's sign of a script's request: a session that ended answers HX-Redirect to the
  // login page, which this whole page then follows.
  xhr.setRequestHeader("HX-Request", "true");
  xhr.upload.addEventListener("progress", (e) => {
    if (!e.lengthComputable) return;
    bar.max = e.total;
    bar.value = e.loaded;
    status.textContent = `Uploading: ${Math.floor((100 * e.loaded) / e.total)} %`;
  });
  xhr.upload.addEventListener("load", () => {
    bar.value = bar.max;
    status.textContent = "Uploaded; importing…";
  });
  xhr.addEventListener("load", () => {
    const redirect = xhr.getResponseHeader("HX-Redirect");
    if (redirect) {
      window.location.assign(redirect);
      return;
    }
    showAnswer(panel, xhr.responseText);
  });
  for (const failure of ["error", "abort", "timeout"]) {
    xhr.addEventListener(failure, () => {
      status.textContent = "The upload was cut off before the server answered: nothing was imported. Try again.";
      button.disabled = false;
    });
  }
  bar.value = 0;
  status.textContent = "Uploading…";
  button.disabled = true;
  xhr.send(new FormData(form));
});

// The answer's panel in place of this one; an answer without one (an error page: refused, not
// found) shows its main content there instead. Parsed, never run: no script in it executes.
function showAnswer(panel, html) {
  const answer = new DOMParser().parseFromString(html, "text/html");
  const replacement = answer.getElementById(panel.id) || wrapped(answer, panel.id);
  panel.replaceWith(document.adoptNode(replacement));
  const focus = replacement.querySelector("[data-upload-result], [aria-invalid=true], h1");
  if (focus) {
    if (!focus.hasAttribute("tabindex") && !focus.matches("input, select")) focus.tabIndex = -1;
    focus.focus();
  }
}

function wrapped(answer, id) {
  const panel = answer.createElement("div");
  panel.id = id;
  panel.append(...(answer.querySelector("main") || answer.body).childNodes);
  return panel;
}
