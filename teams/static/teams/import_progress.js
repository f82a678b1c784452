// Polls an import's progress every 2 seconds while it is queued or running, then
// reloads the page to show the result. The state lives on the server, so a reload
// at any moment shows where the import is.
(function () {
  var section = document.getElementById("import-progress");
  if (!section) return;
  var bar = section.querySelector("progress");
  function show(selector, value) {
    var element = document.querySelector(selector);
    if (element) element.textContent = value;
  }
  function poll() {
    fetch(section.dataset.progressUrl, { headers: { Accept: "application/json" } })
      .then(function (response) { return response.ok ? response.json() : null; })
      .then(function (job) {
        if (!job) return setTimeout(poll, 2000);
        bar.max = Math.max(job.rows_total, 1);
        bar.value = job.rows_done;
        show("[data-rows-done]", job.rows_done);
        show("[data-rows-total]", job.rows_total);
        show("[data-error-count]", job.error_count);
        show("[data-status]", job.status_label);
        if (job.status === "queued" || job.status === "running") setTimeout(poll, 2000);
        else window.location.reload();
      })
      .catch(function () { setTimeout(poll, 2000); });
  }
  setTimeout(poll, 2000);
})();
