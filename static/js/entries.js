// Entry forms: "Add co-author" rows and the register lookup for picking a party.
// Without JavaScript the forms still work: they show spare empty rows and a name field.
(function () {
  "use strict";

  function config() {
    var node = document.getElementById("lookup-config");
    return node ? JSON.parse(node.textContent) : null;
  }

  function addRow(button) {
    var prefix = button.dataset.prefix;
    var total = document.getElementById("id_" + prefix + "-TOTAL_FORMS");
    var template = document.getElementById(button.dataset.template);
    var tbody = document.getElementById(button.dataset.table).querySelector("tbody");
    var index = parseInt(total.value, 10);
    var html = template.innerHTML.replace(/__prefix__/g, String(index));
    tbody.insertAdjacentHTML("beforeend", html);
    total.value = String(index + 1);
    var row = tbody.lastElementChild;
    bindLookups(row);
    var first = row.querySelector("input.party-search");
    if (first) first.focus();
  }

  function render(list, results, cfg, choose) {
    list.innerHTML = "";
    if (!results.length) {
      var empty = document.createElement("li");
      empty.className = "muted";
      empty.textContent = cfg.none;
      list.appendChild(empty);
    }
    results.forEach(function (party) {
      var item = document.createElement("li");
      var button = document.createElement("button");
      button.type = "button";
      button.className = "lookup-choice";
      button.dataset.id = party.id;
      button.textContent = party.names.join(" / ") + (party.ipi.length ? " — IPI " + party.ipi.join(", ") : "");
      button.addEventListener("click", function () { choose(party); });
      item.appendChild(button);
      list.appendChild(item);
    });
    list.hidden = false;
  }

  function bindLookup(input, cfg) {
    if (input.dataset.bound) return;
    input.dataset.bound = "1";
    var row = input.closest(".formset-row");
    var hidden = row.querySelector("input.party-id");
    var list = row.querySelector(".lookup-results");
    var timer = null;
    function choose(party) {
      hidden.value = party.id;
      input.value = party.name;
      var newName = row.querySelector("input.new-name");
      if (newName) newName.value = "";
      list.hidden = true;
    }
    input.addEventListener("input", function () {
      hidden.value = "";
      clearTimeout(timer);
      var q = input.value.trim();
      if (q.length < 2) { list.hidden = true; return; }
      timer = setTimeout(function () {
        fetch(cfg.url + "?q=" + encodeURIComponent(q), { credentials: "same-origin" })
          .then(function (r) { return r.json(); })
          .then(function (data) { render(list, data.results, cfg, choose); });
      }, 200);
    });
  }

  function bindLookups(root) {
    var cfg = config();
    if (!cfg) return;
    root.querySelectorAll("input.party-search").forEach(function (input) { bindLookup(input, cfg); });
  }

  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("button.add-row").forEach(function (button) {
      button.hidden = false;
      button.addEventListener("click", function () { addRow(button); });
    });
    bindLookups(document);
  });
})();
