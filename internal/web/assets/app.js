// hhjobs serve: apply a filter as soon as it changes, keep the URL short
// (empty fields left out), and offer every table of the overview as CSV.
(function () {
  "use strict";
  var form = document.getElementById("hj-form");
  if (form) {
    form.addEventListener("submit", function () {
      Array.prototype.forEach.call(form.elements, function (el) {
        if (el.name && !el.value && !el.hasAttribute("data-keep")) el.disabled = true;
      });
    });
    Array.prototype.forEach.call(form.querySelectorAll("select, input[type=checkbox], input[type=date]"), function (el) {
      el.addEventListener("change", function () {
        if (form.requestSubmit) form.requestSubmit(); else form.submit();
      });
    });
    // Fields disabled for a submit come back when the page is restored by "back".
    window.addEventListener("pageshow", function () {
      Array.prototype.forEach.call(form.elements, function (el) { if (!el.hasAttribute("data-keep")) el.disabled = false; });
    });
  }
  var q = location.search.replace(/^\?/, "");
  // The overview's skill and employer tables link each name to its page,
  // with the same filters (less the one the page takes as its subject).
  function subjectLinks(tableID, path, drop) {
    var t = document.getElementById(tableID);
    if (!t || location.pathname !== "/") return;
    var p = new URLSearchParams(location.search);
    p.delete(drop);
    Array.prototype.forEach.call(t.tBodies[0].rows, function (r) {
      var c = r.cells[0];
      var name = c.textContent.replace(/[\u2066-\u2069]/g, "").trim();
      // A clipped label would not match; an anonymous employer has no page.
      if (!name || /…$/.test(name) || (path === "/employer" && name === "анонимный работодатель")) return;
      var a = document.createElement("a");
      p.set("name", name);
      a.href = path + "?" + p.toString();
      a.textContent = c.textContent;
      c.textContent = "";
      c.appendChild(a);
    });
  }
  subjectLinks("t-skills", "/skill", "skill");
  subjectLinks("t-emp-open", "/employer", "employer");
  subjectLinks("t-emp-pay", "/employer", "employer");
  document.querySelectorAll("table.sortable[id]").forEach(function (t) {
    var a = document.createElement("a");
    a.className = "hj-csv";
    a.href = "/table.csv?t=" + encodeURIComponent(t.id) + (q ? "&" + q : "");
    a.setAttribute("download", "");
    a.textContent = "Скачать таблицу (CSV)";
    var box = t.closest(".tw") || t;
    box.parentNode.insertBefore(a, box.nextSibling);
  });
})();
