// The week's "place someone" boxes: suggestions as the coordinator types (a name with or
// without diacritics, or phone digits), from the volunteers assigned to the commune that
// day. Choosing one fills the hidden id and sends the form. Without this script the box
// still works: the server takes a phone number or a name only one volunteer carries.
(function () {
  "use strict";
  function picker(form) {
    var box = form.querySelector("input[name=who]");
    var chosen = form.querySelector("input[name=volunteer]");
    var list = form.querySelector("[role=listbox]");
    var status = form.querySelector("[role=status]");
    var timer = null;
    var asked = 0;

    function show(candidates) {
      list.replaceChildren();
      candidates.forEach(function (candidate) {
        var option = document.createElement("li");
        option.setAttribute("role", "option");
        option.tabIndex = -1;
        option.dataset.id = candidate.id;
        var name = document.createElement("span");
        name.textContent = candidate.name + " · " + candidate.phone;
        option.appendChild(name);
        if (candidate.reason) {
          option.setAttribute("aria-disabled", "true");
          var reason = document.createElement("small");
          reason.textContent = candidate.reason;
          option.appendChild(reason);
        }
        list.appendChild(option);
      });
      list.hidden = candidates.length === 0;
      box.setAttribute("aria-expanded", candidates.length ? "true" : "false");
      status.textContent = candidates.length ? candidates.length + " " + form.dataset.found : form.dataset.none;
    }

    function ask() {
      var mine = ++asked;
      fetch(form.dataset.candidates + "?q=" + encodeURIComponent(box.value), {
        credentials: "same-origin",
        headers: { Accept: "application/json" },
      })
        .then(function (response) { return response.ok ? response.json() : { candidates: [] }; })
        .then(function (data) { if (mine === asked) show(data.candidates); })
        .catch(function () { /* offline: the form still takes a number or a name */ });
    }

    function choose(option) {
      if (!option || option.getAttribute("aria-disabled") === "true") return;
      chosen.value = option.dataset.id;
      form.submit();
    }

    box.addEventListener("input", function () {
      chosen.value = "";
      clearTimeout(timer);
      timer = setTimeout(ask, 200);
    });
    box.addEventListener("focus", function () { if (!list.children.length) ask(); });
    box.addEventListener("keydown", function (event) {
      if (event.key === "ArrowDown" && list.firstElementChild) {
        event.preventDefault();
        list.firstElementChild.focus();
      }
    });
    list.addEventListener("click", function (event) { choose(event.target.closest("[role=option]")); });
    list.addEventListener("keydown", function (event) {
      var option = event.target.closest("[role=option]");
      if (!option) return;
      if (event.key === "Enter" || event.key === " ") { event.preventDefault(); choose(option); }
      if (event.key === "ArrowDown" && option.nextElementSibling) { event.preventDefault(); option.nextElementSibling.focus(); }
      if (event.key === "ArrowUp") { event.preventDefault(); (option.previousElementSibling || box).focus(); }
      if (event.key === "Escape") { box.focus(); }
    });
  }
  document.querySelectorAll("form.place-volunteer[data-candidates]").forEach(picker);
})();
