// Consult works without JavaScript; this file only improves it.
(function () {
  "use strict";
  // Move focus to the error summary after a refused form, so screen readers announce it.
  var summary = document.getElementById("error-summary");
  if (summary) { summary.focus(); }
})();
