// The logging page, offline first: every log is kept on the phone, then sent in batches
// to the sync API whenever there is a connection, retried with backoff until the server
// has answered for it. Each log carries a UUID made here, so a retry never stores twice.
(function () {
  "use strict";
  var form = document.getElementById("log-form");
  if (!form || !window.fetch || !window.localStorage) return; // the plain form still works

  var words = JSON.parse(form.dataset.strings);
  var data = JSON.parse(form.dataset.bootstrap);
  var statusLine = document.getElementById("sync-status");
  var rejectedList = document.getElementById("rejected");
  var QUEUE = "digihelp.log.queue." + data.volunteer;
  var BATCH = 50;
  var sending = false;
  var failures = 0;
  var timer = null;
  var resumeAt = 0; // a 429 asks for quiet until then (Retry-After)

  function load() {
    try { return JSON.parse(localStorage.getItem(QUEUE)) || []; } catch (e) { return []; }
  }
  function save(queue) { localStorage.setItem(QUEUE, JSON.stringify(queue)); }

  function uuid4() {
    var b = new Uint8Array(16);
    crypto.getRandomValues(b);
    b[6] = (b[6] & 15) | 64;
    b[8] = (b[8] & 63) | 128;
    var h = Array.prototype.map.call(b, function (x) { return (x + 256).toString(16).slice(1); }).join("");
    return h.slice(0, 8) + "-" + h.slice(8, 12) + "-" + h.slice(12, 16) + "-" + h.slice(16, 20) + "-" + h.slice(20);
  }

  function localDay(date) {
    var d = new Date(date.getTime() - date.getTimezoneOffset() * 60000);
    return d.toISOString().slice(0, 10);
  }

  function show(text, waiting) {
    statusLine.textContent = text;
    statusLine.className = "sync-status" + (waiting ? " waiting" : "");
  }

  function showQueue(extra) {
    var count = load().length;
    var text = count ? words.waiting.replace("%(count)s", count) : words.all_sent;
    show((extra ? extra + " " : "") + text, count > 0);
  }

  // Where and when: the commune chosen, its campaign today, the shift under way there.
  function place(item, now) {
    var day = localDay(now);
    var work = data.assignments.filter(function (a) {
      return a.commune === item.commune && a.from <= day && day <= a.to;
    });
    if (work.length === 1) item.campaign = work[0].campaign;
    var margin = 3600000;
    var shift = data.shifts.filter(function (s) {
      return s.commune === item.commune &&
        Date.parse(s.starts) - margin <= now.getTime() && now.getTime() <= Date.parse(s.ends) + margin;
    })[0];
    item.shift = shift ? shift.id : null;
  }

  function readForm() {
    var fields = new FormData(form);
    var now = new Date();
    var item = {
      uuid: uuid4(),
      volunteer: data.volunteer,
      commune: fields.get("commune"),
      helped_at: now.toISOString(),
      services: fields.getAll("services"),
      outcome: fields.get("outcome") || "done",
      priority_groups: fields.getAll("priority_groups")
    };
    ["age_band", "gender", "procedure", "note", "citizen_phone", "follow_up", "follow_up_on"].forEach(function (name) {
      var value = (fields.get(name) || "").trim();
      if (value) item[name] = value;
    });
    var minutes = parseInt(fields.get("minutes"), 10);
    if (minutes) item.minutes = minutes;
    if (fields.get("consent")) item.consent = true;
    place(item, now);
    return item;
  }

  function clearForm() {
    Array.prototype.forEach.call(form.querySelectorAll("input"), function (input) {
      if (input.type === "checkbox" || input.type === "radio") input.checked = false;
      else if (input.type !== "hidden") input.value = "";
    });
    var first = form.querySelector("input[name=outcome]");
    if (first) first.checked = true;
    var details = form.querySelector("details");
    if (details) details.open = false;
  }

  function csrfToken() {
    var match = document.cookie.match(/(?:^|;\s*)csrftoken=([^;]+)/);
    if (match) return decodeURIComponent(match[1]);
    var field = form.querySelector("input[name=csrfmiddlewaretoken]");
    return field ? field.value : "";
  }

  function reject(item, errors) {
    var line = document.createElement("li");
    var reasons = Object.keys(errors || {}).map(function (field) {
      return (field ? field + ": " : "") + errors[field].join(" ");
    });
    line.textContent = words.rejected + " " + new Date(item.helped_at).toLocaleTimeString() + " – " + reasons.join("; ");
    rejectedList.appendChild(line);
    rejectedList.hidden = false;
  }

  function later() {
    clearTimeout(timer);
    failures += 1;
    var delay = Math.min(300000, 2000 * Math.pow(2, failures)) * (0.5 + Math.random() / 2);
    timer = setTimeout(flush, delay);
  }

  // Too many requests: wait as long as the server says (or back off as usual), spread
  // over a few more seconds so phones refused together do not come back together.
  function waitAsAsked(response) {
    var seconds = parseInt(response.headers.get("Retry-After"), 10);
    if (!(seconds > 0)) { later(); return; }
    clearTimeout(timer);
    failures += 1;
    resumeAt = Date.now() + seconds * 1000;
    timer = setTimeout(flush, seconds * 1000 + Math.random() * 5000);
  }

  function settle(batch, answer) {
    var done = {};
    answer.results.forEach(function (result, index) {
      var item = batch[index];
      if (!item) return;
      done[item.uuid] = true;
      if (result.status === "invalid") reject(item, result.errors);
    });
    save(load().filter(function (item) { return !done[item.uuid]; }));
    if (answer.totals) {
      document.getElementById("total-today").textContent = answer.totals.today;
      document.getElementById("total-campaign").textContent = answer.totals.campaign;
    }
  }

  function flush() {
    var batch = load().slice(0, BATCH);
    if (sending || !batch.length || Date.now() < resumeAt) { showQueue(); return; }
    sending = true;
    fetch(form.dataset.syncUrl, {
      method: "POST",
      credentials: "same-origin",
      headers: {
        "Content-Type": "application/json",
        "X-CSRFToken": csrfToken(),
        "Accept-Language": document.documentElement.lang || "vi"
      },
      body: JSON.stringify({ sessions: batch })
    }).then(function (response) {
      if (response.status === 401 || response.status === 403) {
        sending = false;
        show(words.sign_in, true);
        later();
        return null;
      }
      if (response.status === 429) {
        sending = false;
        show(words.busy + " " + words.waiting.replace("%(count)s", load().length), true);
        waitAsAsked(response);
        return null;
      }
      if (!response.ok) throw new Error(String(response.status));
      return response.json();
    }).then(function (answer) {
      if (!answer) return;
      sending = false;
      failures = 0;
      settle(batch, answer);
      if (load().length) flush(); else showQueue(words.sent);
    }).catch(function () {
      sending = false;
      show(words.offline + " " + words.waiting.replace("%(count)s", load().length), true);
      later();
    });
  }

  form.addEventListener("submit", function (event) {
    event.preventDefault();
    var item = readForm();
    if (!item.services.length) { show(words.choose_service, true); return; }
    var queue = load();
    queue.push(item);
    save(queue);
    clearForm();
    showQueue(words.saved);
    failures = 0;
    flush();
  });

  window.addEventListener("online", function () { failures = 0; flush(); });
  document.addEventListener("visibilitychange", function () {
    if (document.visibilityState === "visible") flush();
  });
  if ("serviceWorker" in navigator) {
    navigator.serviceWorker.register(form.dataset.workerUrl).catch(function () {});
  }
  showQueue();
  flush();
})();
