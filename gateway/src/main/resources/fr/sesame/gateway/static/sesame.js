/* Sesame's only script, on the code page: a countdown of the code's validity and a warning before it ends
   (WCAG 2.2.1), announced to screen readers at one minute left and at the end; and the seconds before a new
   code may be asked for, the resend button enabled (and that announced) when they are over. The page works
   without it: the time the code expires is written in the page, the wait before a resend too (a resend asked
   too soon is answered with the seconds left), and "Renvoyer un code" gives a new one. */
(function () {
  "use strict";
  var box = document.getElementById("countdown");
  if (!box) { return; }
  var remaining = parseInt(box.getAttribute("data-remaining"), 10);
  var shown = document.getElementById("countdown-text");
  var live = document.getElementById("countdown-live");
  if (isNaN(remaining) || !shown || !live) { return; }
  var end = Date.now() + remaining * 1000;
  var warned = false;
  box.hidden = false;
  function pad(n) { return n < 10 ? "0" + n : "" + n; }
  function tick() {
    var left = Math.max(0, Math.round((end - Date.now()) / 1000));
    var text = box.getAttribute("data-left").replace("{m}", Math.floor(left / 60)).replace("{s}", pad(left % 60));
    shown.textContent = text;
    if (left <= 60 && !warned) {
      warned = true;
      live.textContent = box.getAttribute(left === 0 ? "data-expired" : "data-warn");
      box.className = "countdown warning";
    }
    if (left === 0) {
      live.textContent = box.getAttribute("data-expired");
      return;
    }
    window.setTimeout(tick, 1000);
  }
  tick();
}());
(function () {
  "use strict";
  var box = document.getElementById("resend-wait");
  var button = document.getElementById("resend");
  if (!box || !button) { return; }
  var wait = parseInt(box.getAttribute("data-wait"), 10);
  var shown = document.getElementById("resend-wait-text");
  var live = document.getElementById("resend-live");
  if (isNaN(wait) || !shown || !live) { return; }
  var end = Date.now() + wait * 1000;
  button.disabled = true;
  shown.setAttribute("aria-hidden", "true");
  function tick() {
    var left = Math.max(0, Math.round((end - Date.now()) / 1000));
    if (left === 0) {
      button.disabled = false;
      shown.textContent = "";
      live.textContent = box.getAttribute("data-ready");
      return;
    }
    shown.textContent = box.getAttribute("data-text").replace("{s}", left);
    window.setTimeout(tick, 1000);
  }
  tick();
}());
(function () {
  "use strict";
  /* A page with live figures (turnout, an import's or a campaign's progress, the providers' health) or a login's
     waiting page (admission control: it goes to its data-href, the retry, at the end of the wait) reloads itself
     every data-seconds, with a button that suspends and resumes it (WCAG 2.2.1 and 2.2.2: a timed change the person
     can stop); the choice holds for the page's path during the visit. Without JavaScript nothing reloads by itself:
     the page's own "refresh" link does it. */
  var box = document.getElementById("auto-refresh");
  var button = document.getElementById("auto-refresh-toggle");
  if (!box || !button) { return; }
  var seconds = parseInt(box.getAttribute("data-seconds"), 10);
  if (isNaN(seconds) || seconds < 1) { return; }
  var key = "sesame-refresh-paused:" + window.location.pathname;
  var paused = false;
  try { paused = window.sessionStorage.getItem(key) === "1"; } catch (e) { paused = false; }
  var timer = null;
  function show() { button.textContent = box.getAttribute(paused ? "data-resume" : "data-pause"); }
  function arm() {
    if (timer !== null) { window.clearTimeout(timer); }
    // data-href: where to go instead of reloading (a page answering a form post: the waiting page of a login)
    var href = box.getAttribute("data-href");
    timer = paused ? null : window.setTimeout(function () {
      if (href) { window.location.assign(href); } else { window.location.reload(); }
    }, seconds * 1000);
  }
  button.addEventListener("click", function () {
    paused = !paused;
    try { window.sessionStorage.setItem(key, paused ? "1" : "0"); } catch (e) { /* private browsing: this page only */ }
    show();
    arm();
  });
  box.hidden = false;
  show();
  arm();
}());
