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
