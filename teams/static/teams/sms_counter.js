// Counts the segments of the message being composed, as the server counts them
// (notifications/segments.py), while the organiser types. The server's preview has the
// last word. GSM-7 when every character is in its alphabet: 160 characters in one
// message, 153 per segment when split, extension characters count two. Anything else
// is UCS-2: 70, or 67 per segment when split.
(function () {
  var counter = document.getElementById("sms-counter");
  var alphabet = document.getElementById("gsm-7");
  if (!counter || !alphabet) return;
  var gsm = JSON.parse(alphabet.textContent);
  var form = counter.closest("form");
  var fields = form.elements;

  function isGsm(ch) { return gsm.basic.indexOf(ch) >= 0 || gsm.extension.indexOf(ch) >= 0; }
  function withoutDiacritics(value) {
    return Array.from(value.normalize("NFD").replace(/[\u0300-\u036f]/g, "")).map(function (ch) {
      if (isGsm(ch)) return ch;
      return Object.prototype.hasOwnProperty.call(gsm.replacements, ch) ? gsm.replacements[ch] : "?";
    }).join("");
  }
  function show(selector, value) { counter.querySelector(selector).textContent = value; }

  function count() {
    var text = fields.text.value.trim(), brand = fields.brand.value.trim();
    if (fields.without_diacritics.checked) {
      text = withoutDiacritics(text);
      brand = withoutDiacritics(brand);
    }
    text = text.normalize("NFC");
    brand = brand.normalize("NFC");
    if (brand && text.indexOf(brand) !== 0) text = brand + ": " + text;
    var characters = Array.from(text);
    var gsm7 = characters.every(isGsm);
    var units = gsm7
      ? characters.length + characters.filter(function (ch) { return gsm.extension.indexOf(ch) >= 0; }).length
      : text.length; // UTF-16 code units, as UCS-2 counts them
    var single = gsm7 ? 160 : 70, split = gsm7 ? 153 : 67;
    var segments = units <= single ? (units ? 1 : 0) : Math.ceil(units / split);
    show("[data-encoding]", gsm.labels[gsm7 ? "GSM-7" : "UCS-2"]);
    show("[data-units]", units + " / " + (segments > 1 ? segments * split : single));
    show("[data-segments]", segments);
  }

  form.addEventListener("input", count);
  form.addEventListener("change", count);
  counter.hidden = false;
  count();
})();
