// A long drop-down (select[data-search-label], such as 1,650 teams) gets a search box
// above it: typing a name with or without diacritics keeps only the choices whose words
// begin so, and a single match is chosen. Without this script the drop-down is whole.
(function () {
  "use strict";
  function fold(text) {
    return text.normalize("NFD").replace(/[\u0300-\u036f]/g, "")
      .replace(/đ/g, "d").replace(/Đ/g, "D").toLowerCase();
  }
  function matches(words, typed) {
    return typed.every(function (part) {
      return words.some(function (word) { return word.indexOf(part) === 0; });
    });
  }
  document.querySelectorAll("select[data-search-label]").forEach(function (select) {
    var box = document.createElement("input");
    box.type = "search";
    box.setAttribute("aria-label", select.dataset.searchLabel);
    box.placeholder = select.dataset.searchLabel;
    box.setAttribute("aria-controls", select.id);
    box.className = "select-search";
    select.parentNode.insertBefore(box, select);
    var options = Array.prototype.slice.call(select.options).map(function (option) {
      return { option: option, words: fold(option.text).split(/[^0-9a-z]+/).filter(Boolean) };
    });
    box.addEventListener("input", function () {
      var typed = fold(box.value).split(/[^0-9a-z]+/).filter(Boolean);
      var shown = [];
      options.forEach(function (item) {
        var keep = !item.option.value || !typed.length || matches(item.words, typed);
        item.option.hidden = !keep;
        if (keep && item.option.value) shown.push(item.option);
      });
      if (shown.length === 1) shown[0].selected = true;
    });
  });
})();
