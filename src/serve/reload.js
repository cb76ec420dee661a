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

  function handle(name, data) {
    if (name === "problems") {
      showProblems(data);
      return;
    }
    var mine = currentFile();
    // This page, or the theme's files every page loads; not the search index, which the
    // search box fetches when asked.
    var affected = overlay !== null || data.full || data.changed.some(function (file) {
      return file === mine || file.indexOf("static/") === 0;
    });
    if (affected) {
      location.reload();
    }
  }

  // A browser opens at most 6 connections to one host, and an event stream holds one for as
  // long as the page is open: with more preview tabs than that, the last ones would never
  // hear of a rebuild (nor load anything else). So one tab (whichever holds the lock) listens
  // and passes every event to the others; when it closes, another takes over. Where Web Locks
  // or BroadcastChannel are missing, each page listens for itself.
  var channel = window.BroadcastChannel ? new BroadcastChannel("qaportal-reload " + base) : null;
  var problems = null;

  function listen() {
    var events = new EventSource("/__qaportal/events");
    ["problems", "reload"].forEach(function (name) {
      events.addEventListener(name, function (event) {
        var data = JSON.parse(event.data);
        problems = name === "problems" ? data : null;
        if (channel) channel.postMessage({ name: name, data: data });
        handle(name, data);
      });
    });
    // Held until the page goes away.
    return new Promise(function () {});
  }

  if (channel && navigator.locks) {
    channel.onmessage = function (event) {
      var message = event.data;
      if (message.name === "hello") {
        // A new tab: tell it about errors it missed (the stream sent them before it opened).
        if (problems) channel.postMessage({ name: "problems", data: problems });
        return;
      }
      if (message.name === "problems") problems = message.data;
      if (message.name === "reload") problems = null;
      handle(message.name, message.data);
    };
    navigator.locks.request("qaportal-reload " + base, listen);
    channel.postMessage({ name: "hello" });
  } else {
    listen();
  }
})();
