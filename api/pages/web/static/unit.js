// The unit form's enhancements: Vietnamese number input, errors after the
// person leaves a field, the live self score and progress, a quiet
// autosave of the changed figures, evidence uploads. Saving and
// submitting work without it (plain form posts).
(function () {
  "use strict";
  var csrf = document.body.dataset.csrf || "";
  var form = document.getElementById("figures-form");
  var $ = function (sel, root) { return (root || document).querySelector(sel); };
  var $$ = function (sel, root) { return Array.prototype.slice.call((root || document).querySelectorAll(sel)); };

  // --- Numbers typed Vietnamese-style: "1.250", "1 250", "1.250.000" (as scoring.ParseWholeText).
  var NOT = "phải là số nguyên không âm";
  var E = {
    nan: NOT,
    group: NOT + "; dấu chấm hoặc khoảng trắng chỉ dùng để ngăn cách hàng nghìn và phải đứng trước đúng 3 chữ số, ví dụ 1.250 hoặc 1.250.000",
    comma: NOT + "; dùng dấu chấm để ngăn cách hàng nghìn (ví dụ 1.250), không dùng dấu phẩy",
    frac: NOT + ", không có phần thập phân",
    neg: "không được là số âm"
  };
  function parseWhole(raw) {
    var s = raw.replace(/[\u00a0\u202f\u2009\t]/g, " ").trim(), neg = false, digits;
    if (s === "") return { empty: true };
    if (s[0] === "-" || s[0] === "+") { neg = s[0] === "-"; s = s.slice(1).trim(); }
    var whole = s, i = s.indexOf(",");
    if (i >= 0) {
      whole = s.slice(0, i);
      var frac = s.slice(i + 1);
      if (frac.indexOf(",") >= 0) return { err: E.comma };
      if (!/^\d+$/.test(frac)) return { err: E.nan };
      if (frac.length === 3 && /^\d{1,3}$/.test(whole)) return { err: E.comma };
      if (/[^0]/.test(frac)) return { err: E.frac };
    }
    if (whole === "") return { err: E.nan };
    var dot = whole.indexOf(".") >= 0, sp = whole.indexOf(" ") >= 0;
    if (dot && sp) return { err: E.group };
    if (dot || sp) {
      var g = whole.split(dot ? "." : " ");
      if (g.some(function (x) { return !/^\d*$/.test(x); })) return { err: E.nan };
      if (!/^\d{1,3}$/.test(g[0]) || g.slice(1).some(function (x) { return x.length !== 3; })) return { err: E.group };
      digits = g.join("");
    } else if (/^\d+$/.test(whole)) {
      digits = whole;
    } else {
      return { err: E.nan };
    }
    digits = digits.replace(/^0+(?=\d)/, "");
    if (neg && digits !== "0") return { err: E.neg };
    return { digits: digits };
  }
  function group(d) { return d.replace(/\B(?=(\d{3})+(?!\d))/g, "."); }
  function over(d, max) { return max && (d.length > max.length || d.length === max.length && d > max); }

  // An input's state: its canonical value (what is saved), its error.
  function check(el) {
    if (el.inputMode !== "numeric") return { value: el.value };
    var p = parseWhole(el.value);
    if (p.empty) return { value: "" };
    if (p.err) return { value: el.value.trim(), err: p.err };
    if (over(p.digits, el.dataset.max)) return { value: p.digits, err: "vượt quá giới hạn " + group(el.dataset.max) };
    return { value: p.digits };
  }
  function wire(el) { // the value as the API takes it
    var c = check(el);
    if (c.value === "") return null;
    if (el.inputMode === "numeric" && !c.err) return c.value.length < 16 ? Number(c.value) : c.value;
    return c.value;
  }
  function key(el) { return el.name.slice(2); } // f.<key>
  function isFig(el) { return !!(el && el.dataset && "f" in el.dataset); }
  // The error beside a field, tied to it with aria-describedby.
  function setError(el, msg, mine) {
    var id = "e-" + key(el), p = document.getElementById(id), fig = el.closest(".fig");
    var ids = (el.getAttribute("aria-describedby") || "").split(" ").filter(function (x) { return x && x !== id; });
    if (mine && msg) el.dataset.cerr = "1"; else delete el.dataset.cerr;
    if (msg && !p) {
      p = document.createElement("p"); p.className = "field-error"; p.id = id;
      var at = el.closest(".inp") || el;
      at.parentNode.insertBefore(p, at);
    }
    if (p) p.textContent = msg || "";
    if (msg) { ids.push(id); el.setAttribute("aria-invalid", "true"); } else el.removeAttribute("aria-invalid");
    if (ids.length) el.setAttribute("aria-describedby", ids.join(" ")); else el.removeAttribute("aria-describedby");
    if (fig) fig.classList.toggle("has-error", !!msg);
  }
  function label(el) {
    var l = $('label[for="' + el.id + '"]');
    return l ? l.textContent.trim() : key(el);
  }
  // What the other places showing a figure read.
  function shown(el) {
    if (el.tagName === "SELECT") return el.value ? el.options[el.selectedIndex].text : "—";
    var c = check(el);
    if (c.value === "") return "—";
    if (el.inputMode === "numeric" && !c.err) {
      var u = document.getElementById("u-" + key(el));
      return group(c.value) + (u ? " " + u.textContent : "");
    }
    return el.value;
  }

  if (!form) return;
  var inputs = $$("[data-f]", form);
  var byKey = {};
  var saved = {}; // key → canonical value the draft holds
  inputs.forEach(function (el) {
    byKey[key(el)] = el;
    var base = el.dataset.saved !== undefined ? el.dataset.saved : el.value;
    var cur = el.value;
    el.value = base; saved[key(el)] = check(el).value; el.value = cur;
  });
  function dirtyKeys() {
    return inputs.filter(function (el) { return check(el).value !== saved[key(el)]; }).map(function (el) { return key(el); });
  }

  // --- Errors: beside a field once the person leaves it; in a summary when saving or submitting is tried.
  form.addEventListener("focusout", function (e) {
    var el = e.target;
    if (!isFig(el)) return;
    var c = check(el);
    if (c.err) setError(el, c.err, true);
    else if (c.value !== "" || el.dataset.cerr) setError(el, ""); // a "not entered" from the server stays until filled
    if (el.inputMode === "numeric" && !c.err && c.value !== "") {
      var g = group(c.value);
      if (el.value !== g) el.value = g; // the parsed value shown back
    }
  });
  form.addEventListener("input", function (e) {
    var el = e.target;
    if (!isFig(el) || !el.getAttribute("aria-invalid")) return;
    var c = check(el);
    if (!c.err && (c.value !== "" || el.dataset.cerr)) setError(el, "");
  });
  function showSummary(lines, head) {
    var box = $("#error-summary");
    if (!box) {
      box = document.createElement("div");
      box.id = "error-summary"; box.className = "error-summary"; box.tabIndex = -1;
      box.setAttribute("role", "alert"); box.setAttribute("aria-labelledby", "es-h");
      var h1 = $("main h1");
      h1.parentNode.insertBefore(box, $(".summary") ? $(".summary").nextSibling : h1.nextSibling);
    }
    box.textContent = "";
    var h = document.createElement("h2"); h.id = "es-h"; h.textContent = head; box.appendChild(h);
    var ul = document.createElement("ul");
    lines.forEach(function (l) {
      var li = document.createElement("li"), a = document.createElement("a");
      a.href = "#" + l.el.id; a.textContent = label(l.el) + ": " + l.msg;
      li.appendChild(a); ul.appendChild(li);
    });
    box.appendChild(ul);
    box.focus();
  }
  var submitting = false;
  form.addEventListener("submit", function (e) {
    var bad = [];
    inputs.forEach(function (el) { var c = check(el); if (c.err) { setError(el, c.err, true); bad.push({ el: el, msg: c.err }); } });
    if (bad.length) {
      e.preventDefault();
      var sub = e.submitter && e.submitter.id !== "save";
      showSummary(bad, (sub ? "Chưa gửi được" : "Chưa lưu được") + ": " + (bad.length === 1 ? "có 1 lỗi cần sửa" : "có " + bad.length + " lỗi cần sửa"));
      return;
    }
    clearTimeout(timer);
    submitting = true;
  });
  // Buttons that ask first (submitting the report).
  $$("button[data-confirm]", form).forEach(function (b) {
    b.addEventListener("click", function (e) { if (!window.confirm(b.dataset.confirm)) e.preventDefault(); });
  });

  // --- Progress per section, the task list and the check before submitting.
  function progress() {
    var total = 0;
    $$("section[data-sec]").forEach(function (sec) {
      var code = sec.dataset.sec, req = $$("[data-f]:not([data-opt])", sec);
      var miss = req.filter(function (el) { return check(el).value === ""; }).length;
      total += miss;
      var p = $('[data-progress="' + code + '"]'), tag = $('[data-tag="' + code + '"]'), m = $('[data-missing-of="' + code + '"]');
      if (!req.length) return;
      if (p) p.textContent = miss ? "Còn " + miss + " số liệu chưa nhập" : "Đã nhập đủ";
      if (m) m.textContent = miss ? "còn " + miss + " số liệu chưa nhập" : "đã nhập đủ";
      if (tag) {
        tag.textContent = !miss ? "Đã xong" : miss === req.length ? "Chưa bắt đầu" : "Đang nhập — còn " + miss + " số liệu";
        tag.className = "tag " + (!miss ? "done" : miss === req.length ? "todo" : "doing");
      }
    });
    $$("[data-first-of]").forEach(function (a) {
      var first = $$("[data-f]:not([data-opt])", $('[data-sec="' + a.dataset.firstOf + '"]')).filter(function (el) { return check(el).value === ""; })[0];
      a.hidden = !first;
      a.previousElementSibling.hidden = !first;
      if (first) a.setAttribute("href", "#" + first.id);
    });
    var tc = $("#tag-check");
    if (tc) { tc.textContent = total ? "Còn " + total + " số liệu" : "Đủ số liệu"; tc.className = "tag" + (total ? "" : " done"); }
  }

  // --- Live self score, with the campaign's settings (the server's).
  var ptimer = null;
  function preview() {
    var figs = {};
    inputs.forEach(function (el) { figs[key(el)] = wire(el); });
    fetch(form.dataset.preview, {
      method: "POST", credentials: "same-origin",
      headers: { "Content-Type": "application/json", "X-CSRF-Token": csrf },
      body: JSON.stringify({ figures: figs })
    }).then(function (r) { return r.ok ? r.json() : null; }).then(function (b) {
      if (!b) return;
      Object.keys(b.scores).forEach(function (code) {
        var box = $('[data-score="' + code + '"]');
        if (!box) return;
        var s = b.scores[code];
        $(".pts", box).textContent = s.points || "—";
        line(box, "working", s.working);
        line(box, "problem", s.error);
      });
      var t = $("#live-total"), n = $("#live-note");
      if (t) t.textContent = b.total;
      if (n) n.textContent = b.complete ? "(đủ số liệu: đúng điểm khi gửi)" : "(tạm tính trên các tiêu chí đã đủ số liệu)";
    }).catch(function () { /* the score waits for the next change */ });
  }

  function line(box, cls, text) {
    var p = $("." + cls, box);
    if (!p && text) { p = document.createElement("p"); p.className = cls; box.appendChild(p); }
    if (p) p.textContent = text || "";
  }

  // --- Autosave: the changed figures, 2 s after typing stops and on leaving a section.
  var status = $("#save-status"), timer = null, saving = false, again = false;
  function say(msg, bad) { status.textContent = msg; status.classList.toggle("bad", !!bad); }
  function now() { return new Date().toLocaleTimeString("vi-VN", { hour: "2-digit", minute: "2-digit", timeZone: "Asia/Ho_Chi_Minh" }); }
  function save(keepalive) {
    clearTimeout(timer);
    if (saving) { again = true; return; }
    var figs = {}, sent = {}, n = 0, skipped = 0;
    dirtyKeys().forEach(function (k) {
      var el = byKey[k], c = check(el);
      if (c.err) { skipped++; return; } // shown beside the field; saved once fixed
      figs[k] = wire(el); sent[k] = c.value; n++;
    });
    if (!n) {
      if (skipped) say("Chưa lưu: " + skipped + " số liệu có lỗi — xem thông báo bên cạnh ô nhập", true);
      return;
    }
    saving = true;
    say("Đang lưu…");
    put(figs, keepalive).then(function (res) {
      if (res.ok) {
        Object.keys(sent).forEach(function (k) { saved[k] = sent[k]; });
        say("Đã lưu lúc " + now() + (skipped ? " — còn " + skipped + " số liệu có lỗi chưa lưu" : ""), skipped > 0);
        return;
      }
      var bad = (res.body && res.body.error && res.body.error.fields) || [], rest = {}, left = 0, marked = 0;
      bad.forEach(function (f) {
        var k = (f.field || "").replace(/^figures\./, ""), el = byKey[k];
        if (el) { setError(el, f.message); delete figs[k]; marked++; }
      });
      if (marked && res.status === 422) { // save the others; the ones refused wait beside their fields
        Object.keys(figs).forEach(function (k) { rest[k] = figs[k]; left++; });
        if (!left) { say("Chưa lưu: " + marked + " số liệu có lỗi — xem thông báo bên cạnh ô nhập", true); return; }
        return put(rest).then(function (r2) {
          if (r2.ok) {
            Object.keys(rest).forEach(function (k) { saved[k] = sent[k]; });
            say("Đã lưu lúc " + now() + " — còn " + marked + " số liệu có lỗi chưa lưu", true);
          } else {
            say("Chưa lưu được: " + errorText(r2), true);
          }
        });
      }
      say("Chưa lưu được: " + errorText(res) + ". Số liệu đã nhập vẫn còn trên trang.", true);
    }).catch(function () {
      say("Mất kết nối, chưa lưu được. Số liệu đã nhập vẫn còn trên trang; sẽ thử lại khi bạn sửa tiếp hoặc bấm Lưu nháp.", true);
    }).then(function () {
      saving = false;
      if (again) { again = false; save(); }
    });
  }
  function put(figs, keepalive) {
    return fetch(form.dataset.api + "/figures", {
      method: "PUT", credentials: "same-origin", keepalive: !!keepalive,
      headers: { "Content-Type": "application/json", "X-CSRF-Token": csrf },
      body: JSON.stringify({ figures: figs })
    }).then(function (r) {
      return r.json().catch(function () { return null; }).then(function (b) { return { ok: r.ok, status: r.status, body: b }; });
    });
  }
  function errorText(res) {
    var e = res.body && res.body.error;
    return e && e.message ? e.message : "lỗi " + res.status;
  }
  function changed() {
    progress();
    clearTimeout(ptimer); ptimer = setTimeout(preview, 350);
    clearTimeout(timer); timer = setTimeout(save, 2000);
    if (status.classList.contains("bad") || !saving) say("Có thay đổi chưa lưu");
  }
  form.addEventListener("input", function (e) {
    var el = e.target;
    if (!isFig(el)) return;
    $$('[data-value="' + key(el) + '"]').forEach(function (v) { v.textContent = shown(el); });
    changed();
  });
  form.addEventListener("change", function (e) { if (isFig(e.target)) changed(); });
  // Leaving a section saves at once.
  $$("section[data-sec]").forEach(function (sec) {
    sec.addEventListener("focusout", function (e) { if (!e.relatedTarget || !sec.contains(e.relatedTarget)) { if (dirtyKeys().length) save(); } });
  });
  document.addEventListener("visibilitychange", function () { if (document.visibilityState === "hidden" && !submitting && dirtyKeys().length) save(true); });
  window.addEventListener("beforeunload", function (e) {
    if (submitting || (!saving && !dirtyKeys().length)) return;
    e.preventDefault();
    e.returnValue = "";
  });

  // --- Uploads with a progress bar: evidence per criterion, the XLSX form.
  function upload(input, url, done) {
    var file = input.files[0];
    if (!file) return;
    var box = input.parentNode, bar = $("progress", box), msg = document.getElementById(input.getAttribute("aria-describedby"));
    var fd = new FormData();
    if (input.dataset.criterion) fd.append("criterion", input.dataset.criterion);
    fd.append("file", file, file.name);
    var xhr = new XMLHttpRequest();
    xhr.open("POST", url);
    xhr.setRequestHeader("X-CSRF-Token", csrf);
    bar.hidden = false; bar.value = 0;
    msg.textContent = "Đang tải lên " + file.name + "…"; msg.className = "upload-msg";
    xhr.upload.onprogress = function (e) { if (e.lengthComputable) bar.value = Math.round(e.loaded * 100 / e.total); };
    xhr.onload = function () {
      input.value = "";
      if (xhr.status >= 200 && xhr.status < 300) {
        bar.value = 100;
        done(JSON.parse(xhr.responseText), msg);
        return;
      }
      bar.hidden = true;
      var text = "Lỗi " + xhr.status + ", vui lòng thử lại";
      try { var b = JSON.parse(xhr.responseText); if (b.error) text = b.error.message; } catch (e) { /* not JSON */ }
      msg.textContent = "Chưa tải lên được: " + text; msg.className = "upload-msg field-error";
    };
    xhr.onerror = function () { bar.hidden = true; msg.textContent = "Mất kết nối, vui lòng thử lại"; msg.className = "upload-msg field-error"; };
    xhr.send(fd);
  }
  // The upload controls exist only here: uploading needs this script.
  $$("ul[data-evidence]", form).forEach(function (ul) {
    var code = ul.dataset.evidence, div = document.createElement("div");
    div.className = "upl";
    div.innerHTML = '<label for="ev-' + code + '">Tải lên tài liệu cho tiêu chí ' + code + '</label>' +
      '<input type="file" id="ev-' + code + '" data-criterion="' + code + '" accept=".pdf,.png,.jpg,.jpeg,.doc,.docx,.xls,.xlsx" aria-describedby="m-' + code + '">' +
      '<progress hidden max="100" value="0"></progress><span class="upload-msg" id="m-' + code + '" role="status"></span>';
    ul.parentNode.insertBefore(div, ul.nextSibling);
  });
  $$("input[data-criterion]").forEach(function (input) {
    input.addEventListener("change", function () {
      var code = input.dataset.criterion;
      upload(input, form.dataset.api + "/evidence", function (st, msg) {
        var n = st.evidence.length - 1, ev = st.evidence[n];
        var ul = $('ul[data-evidence="' + code + '"]'), li = document.createElement("li"), a = document.createElement("a");
        a.href = form.dataset.api + "/evidence/" + n + "?download=stream"; a.textContent = ev.file_name;
        li.appendChild(a); ul.appendChild(li);
        var count = ul.children.length, state = $(".ev-state", ul.parentNode), need = $(".ev-need", ul.parentNode);
        state.textContent = "đã có " + count + " tệp"; state.classList.add("ok");
        if (need) need.classList.add("done");
        var link = $('[data-noev="' + code + '"]');
        if (link) {
          var p = link.parentNode;
          link.remove();
          var left = $$("[data-noev]", p);
          if (!left.length) p.textContent = "Mọi tiêu chí đều đã có tài liệu kiểm chứng.";
          else {
            p.textContent = left.length + " tiêu chí chưa có tài liệu kiểm chứng: ";
            left.forEach(function (l, i) { if (i) p.appendChild(document.createTextNode(", ")); p.appendChild(l); });
          }
        }
        msg.textContent = "Đã tải lên " + ev.file_name; msg.className = "upload-msg ok";
      });
    });
  });
  var xlsx = $("#xlsx-file");
  if (xlsx) xlsx.addEventListener("change", function () {
    upload(xlsx, xlsx.dataset.import, function () { submitting = true; window.location.reload(); });
  });
})();
