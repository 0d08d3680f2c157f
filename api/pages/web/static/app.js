// Small enhancements; every page reads fine without them.
(function () {
  "use strict";

  // Deadline countdowns.
  function countdown(el) {
    var ms = Number(el.dataset.deadline) - Date.now(), past = ms < 0;
    if (past) ms = -ms;
    var d = Math.floor(ms / 86400000), h = Math.floor(ms % 86400000 / 3600000), m = Math.floor(ms % 3600000 / 60000);
    var s = d > 0 ? d + " ngày " + h + " giờ" : h > 0 ? h + " giờ " + m + " phút" : m + " phút";
    el.textContent = past ? "đã quá hạn " + s : "còn " + s;
    el.classList.toggle("late", past);
  }
  var cds = document.querySelectorAll("[data-deadline]");
  cds.forEach(countdown);
  if (cds.length) setInterval(function () { cds.forEach(countdown); }, 30000);

  // Confirmation dialogs.
  document.querySelectorAll("form[data-confirm]").forEach(function (f) {
    f.addEventListener("submit", function (e) {
      if (!window.confirm(f.dataset.confirm)) e.preventDefault();
    });
  });

  // The unit form's live score, autosave and uploads are in unit.js.
  // Links to a field (error summaries) move focus to it, opening what
  // holds it; a page's error summary takes focus when it loads.
  document.addEventListener("click", function (e) {
    var a = e.target.closest && e.target.closest('a[href^="#"]');
    if (!a) return;
    var t = document.getElementById(decodeURIComponent(a.getAttribute("href").slice(1)));
    if (!t) return;
    for (var d = t.closest("details"); d; d = d.parentNode.closest("details")) d.open = true;
    if (t.matches("input, select, textarea")) {
      e.preventDefault();
      var l = document.querySelector('label[for="' + t.id + '"]') || t;
      l.scrollIntoView({ block: "start" });
      t.focus({ preventScroll: true });
      history.replaceState(null, "", "#" + t.id);
    }
  });
  var es = document.getElementById("error-summary");
  if (es) es.focus();
})();
