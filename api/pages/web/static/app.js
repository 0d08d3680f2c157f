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
})();
