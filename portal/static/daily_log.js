/* The daily log form (R-RUN-4): filter the item library as one types, and show each row's hours (quantity ×
   standard hours) and the ticked total while one types. The server computes the hours again; this only shows
   them. Without scripts the form works the same, minus the live figures and the filter. */
(function () {
  "use strict";
  var form = document.getElementById("log-day");
  if (!form) { return; }
  var items = Array.prototype.slice.call(form.querySelectorAll(".log-item"));
  function cents(value) { return Math.round(value * 100) / 100; }
  function update() {
    var total = 0;
    items.forEach(function (item) {
      var qty = parseFloat(item.querySelector(".log-qty").value) || 0;
      var hours = cents(qty * parseFloat(item.getAttribute("data-standard")));
      item.querySelector(".log-hours").textContent = hours + " h";
      if (item.querySelector("input[name=tick]").checked) { total += hours; }
    });
    document.getElementById("ticked-hours").textContent = String(cents(total));
  }
  form.addEventListener("input", function (event) {
    if (event.target.classList.contains("log-qty")) {
      var tick = event.target.closest(".log-item").querySelector("input[name=tick]");
      if (event.target.value) { tick.checked = true; }
    }
    update();
  });
  form.addEventListener("change", update);
  var search = document.getElementById("item-search");
  search.addEventListener("input", function () {
    var words = search.value.trim().toLowerCase().split(/\s+/).filter(Boolean);
    items.forEach(function (item) {
      var text = item.getAttribute("data-search").toLowerCase();
      var checked = item.querySelector("input[name=tick]").checked;
      item.hidden = !checked && !words.every(function (w) { return text.indexOf(w) >= 0; });
    });
  });
  update();
})();
