// The console's small enhancements; every form works without them.
(function () {
  "use strict";
  // Bring the error summary or the preview into view and focus.
  var first = document.getElementById("error-summary") || document.getElementById("preview");
  if (first) first.focus();

  // Select all / none per annex on the open form, with live counts.
  function recount(annex) {
    var boxes = document.querySelectorAll("input[name='don-vi'][data-annex='" + annex + "']");
    var n = 0;
    boxes.forEach(function (b) { if (b.checked) n++; });
    document.querySelectorAll("[data-count='" + annex + "']").forEach(function (el) { el.textContent = n; });
  }
  document.querySelectorAll(".pick-all").forEach(function (p) { p.hidden = false; });
  document.querySelectorAll("button[data-pick]").forEach(function (btn) {
    btn.addEventListener("click", function () {
      var annex = btn.dataset.annex, on = btn.dataset.pick === "all";
      document.querySelectorAll("input[name='don-vi'][data-annex='" + annex + "']").forEach(function (b) { b.checked = on; });
      recount(annex);
    });
  });
  document.querySelectorAll("input[name='don-vi'][data-annex]").forEach(function (b) {
    b.addEventListener("change", function () { recount(b.dataset.annex); });
  });

})();
