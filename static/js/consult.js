// Consult works without JavaScript; this file only improves it.
(function () {
  "use strict";

  // Move focus to the error summary after a refused form, so screen readers announce it.
  var summary = document.getElementById("error-summary");
  if (summary) { summary.focus(); }
  // A step that appeared after sending the form (« Des idées proches existent déjà »)
  // takes the focus, so that nobody misses it (issue 15).
  var step = !summary && document.querySelector("[data-takes-focus]");
  if (step) { step.focus(); }

  // A polite live region for results of actions done without reloading the page.
  var live = document.createElement("p");
  live.className = "c-visually-hidden";
  live.setAttribute("role", "status");
  live.setAttribute("aria-live", "polite");
  document.body.appendChild(live);

  function swap(form, supported) {
    var button = form.querySelector("button");
    var title = button.querySelector(".c-visually-hidden");
    var labels = JSON.parse(document.body.getAttribute("data-support-labels") || "{}");
    form.action = form.action.replace(supported ? "/soutenir" : "/retirer-soutien",
                                      supported ? "/retirer-soutien" : "/soutenir");
    var classes = JSON.parse(document.body.getAttribute("data-button-classes") || "{}");
    button.className = supported ? classes.secondary : classes.primary;
    button.setAttribute("aria-pressed", supported ? "true" : "false");
    button.textContent = supported ? labels.supported : labels.support;
    if (title) { button.appendChild(title); }
  }

  // Markdown preview without leaving the form: the same POST (action=preview) as the
  // button sends without JavaScript; only the preview section of the answer is shown.
  document.addEventListener("click", function (event) {
    var button = event.target.closest("button[name=action][value=preview]");
    if (!button || button.dataset.plain || !window.fetch || !window.DOMParser) { return; }
    event.preventDefault();
    var form = button.form;
    var data = new FormData(form);
    data.set("action", "preview");
    // Not form.action: the form has fields named "action", which shadow the property.
    var fallback = function () { button.dataset.plain = "1"; button.click(); };
    fetch(form.getAttribute("action") || window.location.href, {
      method: "POST", body: data, credentials: "same-origin"
    }).then(function (response) { return response.text(); }).then(function (html) {
      var answer = new DOMParser().parseFromString(html, "text/html");
      var fresh = answer.querySelector("[data-preview]");
      var current = document.querySelector("[data-preview]");
      if (!fresh) { fallback(); return; }
      if (current) { current.replaceWith(fresh); } else { form.after(fresh); }
      showErrorsOf(form, answer);
      fresh.setAttribute("tabindex", "-1");
      fresh.focus();
    }).catch(fallback);
  });

  // After an in-place answer, the form shows the errors the server found this time, no
  // more: fields that became valid lose their old message, the summary and the page's
  // title follow (issue 15).
  function showErrorsOf(form, answer) {
    var summary = document.getElementById("error-summary");
    var freshSummary = answer.getElementById("error-summary");
    if (summary && freshSummary) { summary.replaceWith(document.importNode(freshSummary, true)); }
    else if (summary) { summary.remove(); }
    else if (freshSummary) { form.before(document.importNode(freshSummary, true)); }
    form.querySelectorAll(".c-field").forEach(function (wrapper) {
      var control = wrapper.querySelector("input[id], textarea[id], select[id]");
      var freshControl = control && answer.getElementById(control.id);
      var freshWrapper = freshControl && freshControl.closest(".c-field");
      if (!freshWrapper) { return; }
      wrapper.className = freshWrapper.className;
      var errorId = control.id + "-error";
      var error = document.getElementById(errorId);
      var freshError = answer.getElementById(errorId);
      if (error) { error.remove(); }
      if (freshError) {
        freshError = document.importNode(freshError, true);
        if (control.parentElement === wrapper) { wrapper.insertBefore(freshError, control); }
        else { wrapper.appendChild(freshError); }
      }
      ["aria-invalid", "aria-describedby"].forEach(function (name) {
        if (freshControl.hasAttribute(name)) {
          control.setAttribute(name, freshControl.getAttribute(name));
        } else { control.removeAttribute(name); }
      });
    });
    if (answer.title) { document.title = answer.title; }
  }

  // Supporting an idea without reloading: the same POST, answered in JSON with the
  // person's whole ballot as the server holds it (ideas.ballot), success or refusal, so
  // the page shows that state: what remains, which buttons are possible, the refusal.
  function showBallot(data) {
    var left = document.querySelector("[data-supports-left]");
    if (left && data.supports_left_text) { left.textContent = data.supports_left_text; }
    document.querySelectorAll("form[data-support]").forEach(function (other) {
      if (other.action.indexOf("/soutenir") !== -1) { other.hidden = !data.can_support_more; }
    });
  }

  function showRefusal(message) {
    var alert = document.querySelector("[data-support-alert]");
    if (!alert) { window.alert(message); return; }
    alert.querySelector("p").textContent = message;
    alert.hidden = false;
  }

  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (!form.matches("form[data-support]") || !window.fetch) { return; }
    event.preventDefault();
    var button = form.querySelector("button");
    var alert = document.querySelector("[data-support-alert]");
    if (alert) { alert.hidden = true; }
    button.disabled = true;
    fetch(form.getAttribute("action"), {
      method: "POST", body: new FormData(form), credentials: "same-origin",
      headers: { "Accept": "application/json" }
    }).then(function (response) {
      return response.json().then(function (data) { return { ok: response.ok, data: data }; });
    }).then(function (result) {
      var data = result.data;
      var card = form.closest(".c-idea-card, .c-support-box") || document;
      var count = card.querySelector("[data-supports-count]");
      if (count && typeof data.supports === "number") {
        count.textContent = data.supports.toLocaleString(document.documentElement.lang);
      }
      swap(form, data.supported);
      showBallot(data);
      if (["withdraw", "support", "limit"].indexOf(data.option) === -1) { form.hidden = true; }
      button.disabled = false;
      if (!result.ok) {
        var message = data.error ? data.error.message : "";
        showRefusal(message);
        live.textContent = message;
        var shown = document.querySelector("[data-support-alert]:not([hidden])");
        if (shown) { shown.focus(); } else if (!form.hidden) { button.focus(); }
      } else {
        live.textContent = data.message;
        if (!form.hidden) { button.focus(); }  // the focus stays on the control pressed
      }
    }).catch(function () {
      button.disabled = false;
      form.submit();  // fall back to the ordinary form
    });
  });
})();
