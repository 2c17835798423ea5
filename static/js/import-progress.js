// Follows a running import: polls its progress (a small JSON answer) and moves the bar; once the
// import has ended, reloads the page to show the outcome. Plain JavaScript, no library.
(function () {
  "use strict";
  var box = document.getElementById("import-progress");
  if (!box) return;
  var url = box.getAttribute("data-progress-url");
  var bar = box.querySelector(".progress-bar");
  var meter = box.querySelector(".progress");
  var text = document.getElementById("import-progress-text");
  var seen = [];
  var delay = 1000;

  function show(data) {
    bar.style.width = data.percent + "%";
    meter.setAttribute("aria-valuenow", String(data.percent));
    text.textContent = data.text;
    if (seen[seen.length - 1] !== data.text) seen.push(data.text);
    box.setAttribute("data-seen", JSON.stringify(seen));
    box.setAttribute("data-status", data.status);
  }

  function poll() {
    var request = new XMLHttpRequest();
    request.open("GET", url);
    request.setRequestHeader("Accept", "application/json");
    request.onload = function () {
      if (request.status !== 200) { delay = Math.min(delay * 2, 10000); setTimeout(poll, delay); return; }
      var data = JSON.parse(request.responseText);
      show(data);
      if (data.running) { delay = 1000; setTimeout(poll, delay); }
      else { setTimeout(function () { window.location.reload(); }, 600); }
    };
    request.onerror = function () { delay = Math.min(delay * 2, 10000); setTimeout(poll, delay); };
    request.send();
  }

  seen.push(text.textContent);
  setTimeout(poll, 500);
})();
