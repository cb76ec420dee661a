// qaportal serve: reloads the page when what it shows was rebuilt, and shows the build's
// errors over the page (which stays the last good version) until they are fixed.
// Only `qaportal serve` adds this script; `build` never does.
(function () {
  "use strict";
  var script = document.currentScript;
  var base = (script && script.getAttribute("data-base")) || "/";
  var overlay = null;

  // The output file of this page, as the server names changed files.
  function currentFile() {
    var path = decodeURIComponent(location.pathname);
    var relative = path.indexOf(base) === 0 ? path.slice(base.length) : path.replace(/^\//, "");
    if (relative === "" || relative.charAt(relative.length - 1) === "/") {
      relative += "index.html";
    }
    return relative;
  }

  function showProblems(data) {
    if (!overlay) {
      overlay = document.createElement("div");
      overlay.id = "qaportal-overlay";
      overlay.setAttribute("role", "alert");
      overlay.style.cssText =
        "position:fixed;inset:0;z-index:2147483647;overflow:auto;padding:1rem;" +
        "background:rgba(24,24,27,.96);color:#fafafa;font:14px/1.5 ui-monospace,monospace";
      document.body.appendChild(overlay);
    }
    overlay.textContent = "";
    var title = document.createElement("h2");
    title.style.cssText = "margin:0 0 .5rem;color:#f87171;font-size:1.1rem";
    title.textContent = "构建失败（" + data.summary + "）：下面是错误，页面仍是上一次成功的版本";
    var text = document.createElement("pre");
    text.style.cssText = "white-space:pre-wrap;margin:0";
    text.textContent = data.text;
    overlay.appendChild(title);
    overlay.appendChild(text);
  }

  var events = new EventSource("/__qaportal/events");
  events.addEventListener("problems", function (event) {
    showProblems(JSON.parse(event.data));
  });
  events.addEventListener("reload", function (event) {
    var data = JSON.parse(event.data);
    var mine = currentFile();
    // This page, or the theme's files every page loads; not the search index, which the
    // search box fetches when asked.
    var affected = overlay !== null || data.full || data.changed.some(function (file) {
      return file === mine || file.indexOf("static/") === 0;
    });
    if (affected) {
      location.reload();
    }
  });
})();
