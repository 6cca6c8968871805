// dwhbi console: a little progressive enhancement on top of plain HTML
// forms.  Every page works without this file.
//  - While something on the page is running (data-status="running"), reload
//    the page every few seconds (bounded) so the run's outcome shows up.
//  - Disable a form's button after it is submitted, so a double click does
//    not start two jobs.
//  - Highlight the run named by the URL fragment (#run-N).
(function () {
  'use strict';
  var MAX_RELOADS = 60;

  function reloadWhileRunning() {
    if (!document.querySelector('[data-status="running"]')) return;
    var key = 'dwhbi-reloads:' + location.pathname + location.search;
    var n = parseInt(sessionStorage.getItem(key) || '0', 10);
    if (n >= MAX_RELOADS) return;
    setTimeout(function () {
      sessionStorage.setItem(key, String(n + 1));
      location.reload();
    }, 2000);
  }

  function guardForms() {
    document.querySelectorAll('form[method="post"]').forEach(function (form) {
      form.addEventListener('submit', function () {
        form.querySelectorAll('button[type="submit"]').forEach(function (b) {
          setTimeout(function () { b.disabled = true; }, 0);
        });
      });
    });
  }

  function highlightRun() {
    if (!location.hash) return;
    var row = document.getElementById(location.hash.slice(1));
    if (row) row.classList.add('highlight');
  }

  document.addEventListener('DOMContentLoaded', function () {
    if (!document.querySelector('[data-status="running"]')) {
      // Nothing running: start counting afresh next time.
      Object.keys(sessionStorage).forEach(function (k) {
        if (k.indexOf('dwhbi-reloads:') === 0) sessionStorage.removeItem(k);
      });
    }
    reloadWhileRunning();
    guardForms();
    highlightRun();
  });
})();
