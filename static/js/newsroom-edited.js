/* The change form's live notice: every 30 seconds, asks whether someone else saved the item
   since the form was opened (the form's signed version), and says so. The save is refused
   anyway when they did (core/editing.py): this only spares typing in vain. */
(function () {
  "use strict";
  var notice = document.getElementById("newsroom-edited");
  var version = document.querySelector("input[name=version]");
  if (!notice || !version || !window.fetch) {
    return;
  }
  var url = notice.getAttribute("data-url");
  var every = parseInt(notice.getAttribute("data-every"), 10) || 30000;
  function check() {
    fetch(url + "?version=" + encodeURIComponent(version.value), {
      credentials: "same-origin",
      headers: { Accept: "application/json" },
    })
      .then(function (response) {
        return response.ok ? response.json() : null;
      })
      .then(function (answer) {
        if (answer && answer.edited) {
          notice.textContent = answer.message;
          notice.hidden = false;
        } else if (answer) {
          notice.hidden = true;
          window.setTimeout(check, every);
        }
      })
      .catch(function () {
        window.setTimeout(check, every);
      });
  }
  window.setTimeout(check, every);
})();
