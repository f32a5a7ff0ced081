// Added by `sop serve` only: reload the page when the site is rebuilt.
(function () {
  'use strict';
  if (!window.EventSource) { return; }
  var source = new EventSource('/__livereload');
  source.onmessage = function (event) {
    if (event.data === 'reload') { window.location.reload(); }
  };
}());
