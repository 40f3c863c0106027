// The counter desk page: follows the desk's events and swaps in the panel that changed.
// Served from the package (the page's Content-Security-Policy allows no inline script).
"use strict";

(function () {
  const lang = document.body.dataset.lang || "ja";
  const readers = document.getElementById("readers");

  async function fetchText(url) {
    const response = await fetch(url, { cache: "no-store", credentials: "same-origin" });
    return response.ok ? response.text() : null;
  }

  async function refreshPanel(id) {
    const panel = document.getElementById("reader-" + id);
    if (!panel) {
      return refreshAll();
    }
    if (panel.contains(document.activeElement) && document.activeElement.tagName === "INPUT") {
      return; // the clerk is typing: keep the form as it is
    }
    const html = await fetchText("/readers/" + encodeURIComponent(id) + "/panel?lang=" + lang);
    if (html === null) {
      return refreshAll();
    }
    const holder = document.createElement("div");
    holder.innerHTML = html;
    const fresh = holder.firstElementChild;
    if (fresh) {
      panel.replaceWith(fresh);
    }
  }

  async function refreshAll() {
    const html = await fetchText("/?lang=" + lang);
    if (html === null) {
      return;
    }
    const doc = new DOMParser().parseFromString(html, "text/html");
    document.body.dataset.version = doc.body.dataset.version;
    const fresh = doc.getElementById("readers");
    if (fresh) {
      readers.replaceChildren(...fresh.childNodes);
    }
    const sim = doc.querySelector("form.sim");
    const current = document.querySelector("form.sim");
    if (sim && current) {
      current.replaceWith(document.importNode(sim, true));
    }
  }

  // Refreshes run one after the other, in the order of the events, so that an older answer
  // never replaces a newer one.
  let queue = Promise.resolve();
  function schedule(refresh) {
    queue = queue.then(refresh).catch(function () {});
  }

  const events = new EventSource("/api/events");
  for (const kind of ["card_in", "card_out", "report_ready", "report_cleared", "read_failed"]) {
    events.addEventListener(kind, function (event) {
      const data = JSON.parse(event.data);
      if (kind === "card_in" || kind === "card_out") {
        schedule(refreshAll);
      } else {
        schedule(function () {
          return refreshPanel(data.reader);
        });
      }
    });
  }
  events.addEventListener("readers", function () {
    schedule(refreshAll);
  });
  // The stream opens with the desk's event count: a page made before an event it missed
  // (between the page load and the stream) is refreshed, a current one is left as it is.
  events.addEventListener("hello", function (event) {
    const data = JSON.parse(event.data);
    if (String(data.version) !== document.body.dataset.version) {
      schedule(refreshAll);
    }
    schedule(function () {
      document.body.dataset.live = "1";
    });
  });
})();
