// The appraiser's view of the unit page: the correction form of each
// figure and the flag form of each criterion, built in place from the
// page's two templates (a form per figure rendered on the server would
// double the page); without JavaScript each opens through its link, and a
// refused form comes back rendered, open, with its error. The error
// summary is focused; its links move focus to their field.
(function () {
  "use strict";
  var $ = function (sel, root) { return (root || document).querySelector(sel); };
  var $$ = function (sel, root) { return Array.prototype.slice.call((root || document).querySelectorAll(sel)); };
  function clone(id) {
    var t = document.getElementById(id);
    return t && t.content.firstElementChild.cloneNode(true);
  }
  function place(det, form) {
    var a = $("a", det);
    if (a) a.remove();
    det.appendChild(form);
  }
  $$("details[data-fig]").forEach(function (det) {
    var k = det.dataset.fig, f = clone("corr-tpl"), fig = det.closest(".fig");
    if (!f) return;
    var ls = $$("label", f), span = $(".inp", f), input = $("input[name=value]", f), el = input;
    f.id = "corr-form-" + k;
    f.elements.figure.value = k;
    ls[0].htmlFor = "corr-" + k;
    ls[0].textContent = "Giá trị đúng: " + $(".fl", fig).textContent;
    ls[1].htmlFor = $("textarea", f).id = "corr-reason-" + k;
    $("button", f).id = "corr-btn-" + k;
    if (det.dataset.t === "b") {
      el = document.createElement("select");
      el.name = "value";
      [["", "— chọn —"], ["true", "Có"], ["false", "Không"]].forEach(function (o) { el.add(new Option(o[1], o[0])); });
      span.replaceWith(el);
    } else if (det.dataset.t === "d") {
      input.type = "date";
      input.removeAttribute("inputmode");
      span.replaceWith(input);
    } else {
      // The unit, as the unit's value reads: "1.250 máy".
      var u = /^[\d.]+ (.+)$/.exec($(".own .value", fig).textContent);
      if (u) $(".sfx", f).textContent = u[1];
      else $(".sfx", f).remove();
    }
    el.id = "corr-" + k;
    el.value = det.dataset.v || "";
    place(det, f);
  });
  $$("details.flag:not([open])").forEach(function (det) {
    var art = det.closest("article"), f = clone("flag-tpl");
    if (!art || !f) return;
    var code = art.id.slice(2), id = code.replace(/\./g, "-");
    f.id = "flag-form-" + id;
    f.elements.criterion.value = code;
    $("label", f).htmlFor = $("textarea", f).id = "flag-reason-" + id;
    var b = $("button", f);
    b.id = "flag-btn-" + id;
    b.textContent = "Gắn cờ tiêu chí " + code;
    place(det, f);
  });
  // Opening a form puts the cursor in it.
  $$("details[data-fig], details.flag").forEach(function (det) {
    det.addEventListener("toggle", function () {
      var el = det.open && $("input:not([type=hidden]), select, textarea", det);
      if (el) el.focus();
    });
  });
})();
