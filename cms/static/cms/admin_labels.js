// Wagtail's admin header writes its search button's label, "Search", into the markup
// outside any translation catalogue (wagtailadmin/shared/header.html). The button is for
// screen readers only; this gives it the word of the page's language, which the script
// tag carries (cms.wagtail_hooks.admin_labels).
(function () {
  "use strict";
  var label = document.currentScript && document.currentScript.dataset.searchLabel;
  if (!label) return;
  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll('form[role=search] input[type=submit][value="Search"]').forEach(function (button) {
      button.value = label;
    });
  });
})();
