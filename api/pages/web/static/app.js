// Small enhancements; every page reads fine without them.
(function () {
  "use strict";
  var csrf = document.body.dataset.csrf || "";

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

  function errorText(xhrText, status) {
    try {
      var b = JSON.parse(xhrText);
      if (b.error) {
        var msg = b.error.message;
        if (b.error.fields && b.error.fields.length > 1) msg += " — " + b.error.fields.map(function (f) { return f.message; }).join("; ");
        return msg;
      }
    } catch (e) { /* not JSON */ }
    return "Lỗi " + status + ", vui lòng thử lại";
  }

  // Live self score per criterion.
  var form = document.getElementById("figures-form");
  if (form && form.dataset.preview) {
    var timer = null;
    var preview = function () {
      var figs = {};
      form.querySelectorAll("[data-figure]").forEach(function (el) {
        figs[el.dataset.figure] = el.value === "" ? null : el.value;
      });
      fetch(form.dataset.preview, {
        method: "POST", credentials: "same-origin",
        headers: { "Content-Type": "application/json", "X-CSRF-Token": csrf },
        body: JSON.stringify({ figures: figs })
      }).then(function (r) { return r.ok ? r.json() : null; }).then(function (b) {
        if (!b) return;
        Object.keys(b.scores).forEach(function (code) {
          var cell = document.querySelector('[data-score="' + code + '"]');
          if (!cell) return;
          var s = b.scores[code];
          cell.textContent = "";
          var p = document.createElement("strong"); p.className = "pts"; p.textContent = s.points || ""; cell.appendChild(p);
          if (s.error) { var e = document.createElement("span"); e.className = "score-err"; e.textContent = s.error; cell.appendChild(e); }
          if (s.working) { var w = document.createElement("small"); w.className = "working"; w.textContent = s.working; cell.appendChild(w); }
        });
      });
    };
    form.addEventListener("input", function () { clearTimeout(timer); timer = setTimeout(preview, 300); });
    form.addEventListener("change", function () { clearTimeout(timer); timer = setTimeout(preview, 100); });
  }

  // Uploads with a progress bar: evidence per criterion, XLSX forms.
  document.querySelectorAll("input[data-upload]").forEach(function (input) {
    input.addEventListener("change", function () {
      var file = input.files[0];
      if (!file) return;
      var cell = input.closest("td") || input.parentNode;
      var bar = cell.querySelector("progress"), msg = cell.querySelector(".upload-msg");
      var fd = new FormData();
      if (input.dataset.criterion) fd.append("criterion", input.dataset.criterion);
      fd.append("file", file, file.name);
      var xhr = new XMLHttpRequest();
      xhr.open("POST", input.dataset.upload);
      xhr.setRequestHeader("X-CSRF-Token", csrf);
      bar.hidden = false; bar.value = 0;
      msg.textContent = "Đang tải lên…"; msg.className = "upload-msg";
      xhr.upload.onprogress = function (e) { if (e.lengthComputable) bar.value = Math.round(e.loaded * 100 / e.total); };
      xhr.onload = function () {
        input.value = "";
        if (xhr.status >= 200 && xhr.status < 300) {
          bar.value = 100;
          if (input.dataset.reload) { window.location.reload(); return; }
          var st = JSON.parse(xhr.responseText), n = st.evidence.length - 1, ev = st.evidence[n];
          var li = document.createElement("li"), a = document.createElement("a");
          a.href = input.dataset.upload + "/" + n + "?download=stream"; a.textContent = ev.file_name;
          li.appendChild(a);
          cell.querySelector("ul.evidence").appendChild(li);
          msg.textContent = "Đã tải lên"; msg.className = "upload-msg ok";
        } else {
          bar.hidden = true;
          msg.textContent = errorText(xhr.responseText, xhr.status); msg.className = "upload-msg field-error";
        }
      };
      xhr.onerror = function () { bar.hidden = true; msg.textContent = "Mất kết nối, vui lòng thử lại"; msg.className = "upload-msg field-error"; };
      xhr.send(fd);
    });
  });
})();
