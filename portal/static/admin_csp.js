/* Flask-Admin 2.2 still writes a few inline onclick handlers (pallets-eco/flask-admin#2556), which the portal's
   Content-Security-Policy blocks. Loaded at the end of every admin page as an allowed script, this file moves
   each handler's code into `data-csp-onclick` (so the browser never tries to run it) and does what it would have
   done: confirm a delete, run a bulk action, add an inline row. It also keeps `href="javascript:void(0)"` links
   from navigating, which the policy would refuse. */
(function () {
  "use strict";
  var ATTRIBUTE = "data-csp-onclick";
  var handlers = [
    [/^return faHelpers\.safeConfirm\('(.*)'\);?$/, function (event, message) {
      if (!window.faHelpers.safeConfirm(message)) { event.preventDefault(); }
    }],
    [/^return modelActions\.execute\('(.*)'\);?$/, function (event, name) {
      event.preventDefault();
      window.modelActions.execute(name);
    }],
    [/^faForm\.addInlineField\(this, '(.*)'\);?$/, function (event, id, element) {
      event.preventDefault();
      window.faForm.addInlineField(element, id);
      disarm(document);
    }],
    [/^return false;?$/, function (event) { event.preventDefault(); }]
  ];

  function disarm(root) {
    root.querySelectorAll("[onclick]").forEach(function (element) {
      element.setAttribute(ATTRIBUTE, element.getAttribute("onclick").trim());
      element.removeAttribute("onclick");
    });
  }

  document.addEventListener("click", function (event) {
    var target = event.target instanceof Element ? event.target : null;
    if (!target) { return; }
    if (target.closest("a[href^='javascript:']")) { event.preventDefault(); }
    var element = target.closest("[" + ATTRIBUTE + "]");
    if (!element) { return; }
    var code = element.getAttribute(ATTRIBUTE);
    for (var i = 0; i < handlers.length; i++) {
      var match = code.match(handlers[i][0]);
      if (match) {
        handlers[i][1](event, match[1], element);
        return;
      }
    }
  });

  disarm(document);
})();
