// Administration pages: move focus to the error summary after a refused
// form, so that keyboard and screen reader users start from it; its links
// move focus to their fields.
(function () {
  "use strict";
  var sum = document.querySelector(".error-summary");
  if (sum) sum.focus();
  document.querySelectorAll(".error-summary a[href^='#']").forEach(function (a) {
    a.addEventListener("click", function (e) {
      var el = document.getElementById(a.getAttribute("href").slice(1));
      if (!el) return;
      e.preventDefault();
      el.scrollIntoView({ block: "center" });
      el.focus();
    });
  });
  // A file over the limit is refused before it is sent (the server would
  // cut it off before reading the form).
  var imp = document.getElementById("import-form");
  if (imp) {
    imp.addEventListener("submit", function (e) {
      var input = document.getElementById("f-file"), f = input.files && input.files[0];
      if (f && f.size > 10 * 1024 * 1024) {
        e.preventDefault();
        var msg = document.getElementById("e-file-size");
        if (!msg) {
          msg = document.createElement("span");
          msg.id = "e-file-size"; msg.className = "field-error"; msg.setAttribute("role", "alert");
          input.parentNode.insertBefore(msg, input);
        }
        msg.textContent = "Tệp quá lớn: tối đa 10 MB";
        input.focus();
      }
    });
  }
})();
