// Scripts of the site's pages. Search and the index page's filters are in search.js.

// Layout on every page: panels open on wide screens and closed on phones, the back-to-top
// link, and the date of the line printed on every paper page.
(function () {
  'use strict';
  var each = function (selector, fn) {
    Array.prototype.forEach.call(document.querySelectorAll(selector), fn);
  };

  // <details data-open-when="(min-width: …)">: closed in the page (phones first), opened while
  // the screen is that wide, and kept open when a filter inside it is in use.
  each('details[data-open-when]', function (d) {
    var wide = window.matchMedia(d.getAttribute('data-open-when'));
    var inUse = function () {
      return Array.prototype.some.call(d.querySelectorAll('select'), function (s) { return s.value; });
    };
    d.open = wide.matches || inUse();
    var follow = function () { d.open = wide.matches || inUse(); };
    if (wide.addEventListener) { wide.addEventListener('change', follow); } else { wide.addListener(follow); }
  });

  var top = document.querySelector('.to-top');
  if (top) {
    var toggle = function () { top.hidden = window.scrollY < window.innerHeight; };
    window.addEventListener('scroll', toggle, { passive: true });
    toggle();
  }

  // Paper: every collapsed panel prints open, and the printed date is the day of printing
  // (the page says the day it was built until then).
  var opened = [];
  window.addEventListener('beforeprint', function () {
    each('details:not([open])', function (d) { d.open = true; opened.push(d); });
    var copy = document.getElementById('Controlled-copy');
    if (copy && copy.dataset.date) {
      var now = new Date();
      var pad = function (n) { return (n < 10 ? '0' : '') + n; };
      var today = now.getFullYear() + '-' + pad(now.getMonth() + 1) + '-' + pad(now.getDate());
      copy.textContent = copy.textContent.split(copy.dataset.date).join(today);
      copy.dataset.date = today;
    }
  });
  window.addEventListener('afterprint', function () {
    opened.forEach(function (d) { d.open = false; });
    opened = [];
  });
}());
