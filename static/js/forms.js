// Forms with errors: move the focus to the error summary at the top, so a keyboard or screen-reader
// user hears what went wrong first; its links take them to each field.
(function () {
  "use strict";
  document.addEventListener("DOMContentLoaded", function () {
    var summary = document.querySelector(".error-summary");
    if (summary) { summary.focus(); }
  });
})();
